/**
 * @module fake-bitrix24/message-methods — the app's side of an open-line chat:
 * `imconnector.send.messages|update.messages|delete.messages` (customer messages in, one result per
 * element, a dialogue per `user.id` or per `chat.id` with `CHAT_GROUP`), `send.status.delivery|reading`
 * (the operator's message marked delivered; `message.id` must be an array) and `chat.name.set`.
 */
import { connectorOnLine } from "./connector-methods.js";
import { fetchFile } from "./file-fetch.js";
import type { FormObject, FormValue } from "./form-codec.js";
import type { MethodContext, RestMethod } from "./method.js";
import { elements, field, integer, isList, isRecord, param, requiredList, requiredText, text } from "./params.js";
import type { Dialogue, PortalState, ReceivedFile, ReceivedMessage } from "./portal-state.js";
import { RestError, argumentNotArray, missingArgument, notActiveLine } from "./rest-error.js";

type Item = { [key: string]: FormValue };

const app = (handle: RestMethod["handle"]): RestMethod => ({ scope: "imopenlines", appOnly: true, handle });

// Bitrix24 documents `name` and `last_name` as letters, spaces, hyphens and apostrophes, at most 25.
const PERSON_NAME = /^[\p{L} '-]{0,25}$/u;

/** The connector, line and `MESSAGES` elements of a message call, after the documented checks. */
function messageCall(portal: PortalState, params: FormObject): { connector: string; line: number; items: Item[] } {
  requiredText(params, "CONNECTOR");
  requiredText(params, "LINE");
  const list = requiredList(params, "MESSAGES");
  if (!list.every(isRecord)) {
    throw new RestError(400, "ERROR_ARGUMENT", "The MESSAGES parameter must be an array of messages (arrays)");
  }
  const { connector, line } = connectorOnLine(portal, params);
  if (!portal.lineActive(connector, line)) throw notActiveLine();
  return { connector, line, items: list as Item[] };
}

function requireStructure(items: Item[], keys: string[]): void {
  if (!items.every((item) => keys.every((key) => isRecord(field(item, key))))) {
    throw new RestError(400, "ERROR_ARGUMENT", "The incorrect structure of a message inside MESSAGES parameter");
  }
}

function dialogueOf(
  context: MethodContext,
  connector: string,
  line: number,
  chatId: string,
  userId: string,
): { dialogue: Dialogue; portalUserId: number } {
  const { state, portal } = context;
  const group = portal.connectors.get(connector)?.chatGroup ?? false;
  const userKey = `${connector}\u0000${userId}`;
  let portalUserId = portal.externalUsers.get(userKey);
  if (portalUserId === undefined) {
    portalUserId = state.id();
    portal.externalUsers.set(userKey, portalUserId);
  }
  const found = portal.dialogues.find(
    (d) => d.connector === connector && d.line === line && (group ? d.chatId === chatId : d.userId === userId),
  );
  if (found) return { dialogue: found, portalUserId };
  const dialogue: Dialogue = {
    connector,
    line,
    chatId,
    userId: group ? undefined : userId,
    sessionId: state.id(),
    imChatId: state.id(),
    portalUserId,
  };
  portal.dialogues.push(dialogue);
  return { dialogue, portalUserId };
}

/** The element's problems, as `ERRORS` texts; empty when it is acceptable. */
function elementErrors(item: Item, needContent: boolean): string[] {
  const errors: string[] = [];
  const user = field(item, "user");
  const message = field(item, "message");
  if (text(field(user, "id")) === undefined) errors.push("Argument 'user.id' is null or empty");
  if (text(field(field(item, "chat"), "id")) === undefined) errors.push("Argument 'chat.id' is null or empty");
  for (const key of ["name", "last_name"]) {
    const value = field(user, key);
    if (value !== undefined && !PERSON_NAME.test(String(value))) {
      errors.push(`user.${key} may hold only letters, spaces, hyphens and apostrophes, at most 25`);
    }
  }
  const files = field(message, "files");
  if (files !== undefined && files !== "" && !isList(files)) errors.push("message.files must be an array");
  if (isList(files) && !elements(files).every((f) => text(field(f, "url")) !== undefined)) {
    errors.push("Argument 'files[].url' is null or empty");
  }
  const hasFiles = isList(files) && elements(files).length > 0;
  if (needContent && text(field(message, "text")) === undefined && !hasFiles) {
    errors.push("IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA");
  }
  return errors;
}

async function downloads(message: FormValue | undefined): Promise<ReceivedFile[]> {
  const files = field(message, "files");
  if (!isList(files)) return [];
  return Promise.all(elements(files).map((f) => fetchFile(text(field(f, "url")) ?? "", text(field(f, "name")))));
}

function echoMessage(message: FormValue | undefined): Item {
  if (!isRecord(message)) return {};
  const { date, ...rest } = message;
  return { ...rest, ...(date !== undefined ? { date: {} } : {}) };
}

function echoChat(chat: FormValue | undefined): Item {
  const id = text(field(chat, "id")) ?? "";
  const name = text(field(chat, "name"));
  const url = text(field(chat, "url"));
  return {
    id,
    ...(name !== undefined ? { name } : {}),
    ...(url !== undefined ? { description: `Link to the original post: ${url}` } : {}),
  };
}

function extraOf(item: Item): Item | undefined {
  const skip = text(field(field(item, "user"), "skip_phone_validate"));
  const disable = text(field(field(item, "message"), "disable_crm"));
  if (skip === undefined && disable === undefined) return undefined;
  return {
    ...(skip !== undefined ? { skip_phone_validate: skip } : {}),
    ...(disable !== undefined ? { disable_tracker: disable } : {}),
  };
}

async function sendMessages(context: MethodContext): Promise<unknown> {
  const { connector, line, items } = messageCall(context.portal, context.params);
  requireStructure(items, ["user", "message", "chat"]);
  const results: Item[] = [];
  for (const item of items) {
    const errors = elementErrors(item, true);
    const message = field(item, "message");
    const chat = field(item, "chat");
    if (errors.length > 0) {
      results.push({ user: "", message: echoMessage(message), chat: echoChat(chat), SUCCESS: false, ERRORS: errors });
      continue;
    }
    const chatId = text(field(chat, "id"))!;
    const userId = text(field(field(item, "user"), "id"))!;
    const { dialogue, portalUserId } = dialogueOf(context, connector, line, chatId, userId);
    const received: ReceivedMessage = {
      connector,
      line,
      chatId,
      userId,
      messageId: text(field(message, "id")),
      text: text(field(message, "text")),
      date: integer(field(message, "date")),
      files: await downloads(message),
      raw: item,
      session: { id: dialogue.sessionId, chatId: dialogue.imChatId },
      edits: [],
      deleted: false,
    };
    context.portal.received.push(received);
    const extra = extraOf(item);
    results.push({
      user: String(portalUserId),
      message: echoMessage(message),
      chat: echoChat(chat),
      ...(extra ? { extra } : {}),
      SUCCESS: true,
      session: { ID: String(dialogue.sessionId), CHAT_ID: String(dialogue.imChatId) },
    });
  }
  return { SUCCESS: results.every((r) => r.SUCCESS === true), DATA: { RESULT: results } };
}

function findReceived(portal: PortalState, connector: string, line: number, item: Item): ReceivedMessage | undefined {
  const chatId = text(field(field(item, "chat"), "id"));
  const messageId = text(field(field(item, "message"), "id"));
  return [...portal.received]
    .reverse()
    .find((m) => m.connector === connector && m.line === line && m.chatId === chatId && m.messageId === messageId);
}

async function updateMessages(context: MethodContext): Promise<unknown> {
  const { connector, line, items } = messageCall(context.portal, context.params);
  requireStructure(items, ["user", "message", "chat"]);
  const results: Item[] = [];
  for (const item of items) {
    const errors = elementErrors(item, true);
    const target = errors.length === 0 ? findReceived(context.portal, connector, line, item) : undefined;
    if (errors.length === 0 && !target) errors.push("Message not found");
    const message = field(item, "message");
    if (target) {
      const edited = text(field(message, "text"));
      target.edits.push({ ...(edited !== undefined ? { text: edited } : {}), files: await downloads(message) });
    }
    results.push({
      user: target ? String(context.portal.externalUsers.get(`${connector}\u0000${target.userId}`) ?? "") : "",
      message: echoMessage(message),
      chat: echoChat(field(item, "chat")),
      SUCCESS: errors.length === 0,
      ...(errors.length ? { ERRORS: errors } : {}),
    });
  }
  return { SUCCESS: results.every((r) => r.SUCCESS === true), DATA: { RESULT: results } };
}

function deleteMessages(context: MethodContext): unknown {
  const { connector, line, items } = messageCall(context.portal, context.params);
  requireStructure(items, ["user", "message", "chat"]);
  const results = items.map((item) => {
    const target = findReceived(context.portal, connector, line, item);
    if (target) target.deleted = true;
    return {
      user: target ? String(context.portal.externalUsers.get(`${connector}\u0000${target.userId}`) ?? "") : "",
      message: { id: text(field(field(item, "message"), "id")) ?? "" },
      chat: { id: text(field(field(item, "chat"), "id")) ?? "" },
      SUCCESS: !!target,
      ...(target ? {} : { ERRORS: ["Message not found"] }),
    };
  });
  return { SUCCESS: results.every((r) => r.SUCCESS), DATA: { RESULT: results } };
}

function statusMethod(kind: "delivery" | "reading"): RestMethod["handle"] {
  return ({ portal, params }) => {
    requiredText(params, "CONNECTOR");
    requiredText(params, "LINE");
    const list = requiredList(params, "MESSAGES");
    const { connector, line } = connectorOnLine(portal, params);
    const statuses = list.map((item, i) => {
      const im = field(item, "im");
      const imChatId = integer(field(im, "chat_id"));
      const imMessageId = integer(field(im, "message_id"));
      if (imChatId === undefined) throw missingArgument(`MESSAGES[${i}][im][chat_id]`);
      if (imMessageId === undefined) throw missingArgument(`MESSAGES[${i}][im][message_id]`);
      const ids = field(field(item, "message"), "id");
      // Bitrix24 takes the external ids only as an array, even for one id (b24-rest-docs#257).
      if (!isList(ids)) throw argumentNotArray(`MESSAGES[${i}][message][id]`);
      return {
        kind,
        connector,
        line,
        imChatId,
        imMessageId,
        messageIds: elements(ids).map((v) => text(v) ?? ""),
        chatId: text(field(field(item, "chat"), "id")),
        date: kind === "delivery" ? integer(field(field(item, "message"), "date")) : undefined,
      };
    });
    portal.deliveries.push(...statuses);
    return { SUCCESS: true, DATA: [] };
  };
}

function chatNameSet({ portal, params }: MethodContext): unknown {
  const chatId = requiredText(params, "CHAT_ID");
  const name = requiredText(params, "NAME");
  const { connector, line } = connectorOnLine(portal, params);
  if (!portal.lineActive(connector, line)) throw notActiveLine();
  const group = portal.connectors.get(connector)?.chatGroup ?? false;
  const userId = text(param(params, "USER_ID"));
  if (!group && userId === undefined) throw missingArgument("USER_ID");
  const dialogue = portal.dialogues.find(
    (d) => d.connector === connector && d.line === line && d.chatId === chatId && (group || d.userId === userId),
  );
  if (!dialogue) throw new RestError(400, "CHAT_RENAMING_FAILED", "Failed to rename the chat");
  dialogue.chatName = name;
  return { SUCCESS: true, DATA: { RESULT: {} } };
}

/** The message methods by lower-cased name. */
export const messageMethods: Record<string, RestMethod> = {
  "imconnector.send.messages": app(sendMessages),
  "imconnector.update.messages": app(updateMessages),
  "imconnector.delete.messages": app(deleteMessages),
  "imconnector.send.status.delivery": app(statusMethod("delivery")),
  "imconnector.send.status.reading": app(statusMethod("reading")),
  "imconnector.chat.name.set": app(chatNameSet),
};
