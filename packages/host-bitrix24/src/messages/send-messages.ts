/**
 * @module messages/send-messages — customers' messages as `imconnector.send.messages` parameters,
 * and its answer. Wire shape: bitrix24/b24restdocs `imopenlines/imconnector/imconnector-send-messages.md`
 * (`MESSAGES[]` of `{user, message, chat}`; `message.text` BB-codes or `message.files[{url, name}]`;
 * `date` a unix timestamp). One call carries several messages, so the outbox sends a portal's due
 * messages together.
 */
import { InvalidInputError } from "@switchboard/core";
import { z } from "zod";
import { personName } from "./person-name.js";

/** The customer who wrote, as the channel knows them. */
export interface CustomerUser {
  /** Stable id of the customer on the channel (Bitrix keys its dialogue per `user.id` when `CHAT_GROUP` is off). */
  id: string;
  /** First name or the whole display name. */
  name?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  pictureUrl?: string;
  profileUrl?: string;
}

/** One customer message for `send.messages`. */
export interface CustomerMessage {
  user: CustomerUser;
  /** Our external chat id (what Bitrix sends back as `chat.id` in operator events). */
  chat: { id: string; name?: string; url?: string };
  message: {
    /** Our external message id (idempotency, and what edits and deletes refer to). */
    id: string;
    /** When the customer wrote it. */
    date: Date;
    /** BB-code text (see format/customer-text.ts). */
    text?: string;
    /** Links the portal downloads itself (our signed links). */
    files?: { url: string; name?: string }[];
  };
}

/** The `MESSAGES[]` element Bitrix expects. */
export interface SendMessagesItem {
  user: {
    id: string;
    name?: string;
    last_name?: string;
    phone?: string;
    email?: string;
    url?: string;
    picture?: { url: string };
  };
  message: { id: string; date: number; text?: string; files?: { url: string; name?: string }[] };
  chat: { id: string; name?: string; url?: string };
}

/**
 * Builds one `MESSAGES[]` element. A message with neither text nor files is refused here
 * (Bitrix answers `IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA` to it). When the customer's name had to
 * be shortened, the whole original becomes the chat's name unless the caller named the chat.
 */
export function sendMessagesItem(input: CustomerMessage): SendMessagesItem {
  const text = input.message.text ?? "";
  const files = input.message.files ?? [];
  if (text.trim() === "" && files.length === 0) {
    throw new InvalidInputError("A message for Bitrix24 needs text or files");
  }
  const { name, lastName, shortened } = personName(input.user.name, input.user.lastName);
  const user: SendMessagesItem["user"] = { id: input.user.id };
  if (name) user.name = name;
  if (lastName) user.last_name = lastName;
  if (input.user.phone) user.phone = input.user.phone;
  if (input.user.email) user.email = input.user.email;
  if (input.user.profileUrl) user.url = input.user.profileUrl;
  if (input.user.pictureUrl) user.picture = { url: input.user.pictureUrl };
  const fullName = [input.user.name, input.user.lastName].filter(Boolean).join(" ").trim();
  const chat: SendMessagesItem["chat"] = { id: input.chat.id };
  const chatName = input.chat.name ?? (shortened && fullName ? fullName : undefined);
  if (chatName) chat.name = chatName;
  if (input.chat.url) chat.url = input.chat.url;
  const message: SendMessagesItem["message"] = {
    id: input.message.id,
    date: Math.floor(input.message.date.getTime() / 1000),
  };
  if (text.trim() !== "") message.text = text;
  if (files.length) message.files = files.map((f) => (f.name ? { url: f.url, name: f.name } : { url: f.url }));
  return { user, message, chat };
}

/** The whole `imconnector.send.messages` parameter object. */
export function sendMessagesParams(connector: string, line: number, messages: readonly CustomerMessage[]) {
  return { CONNECTOR: connector, LINE: line, MESSAGES: messages.map(sendMessagesItem) };
}

// The answer's shape is documented only in the reference (§3) and observed connectors:
// result{SUCCESS, DATA{RESULT[{user, message, chat, SUCCESS, ERRORS?, session{ID, CHAT_ID}}]}}.
const resultItem = z
  .object({
    SUCCESS: z.union([z.boolean(), z.string(), z.number()]).optional(),
    ERRORS: z.unknown().optional(),
    user: z.union([z.string(), z.number()]).optional(),
    session: z
      .object({ ID: z.union([z.string(), z.number()]), CHAT_ID: z.union([z.string(), z.number()]) })
      .partial()
      .optional(),
  })
  .passthrough();
const resultSchema = z
  .object({
    DATA: z
      .object({ RESULT: z.array(resultItem) })
      .partial()
      .optional(),
  })
  .passthrough();

/** What Bitrix did with one message of a `send.messages` call. */
export interface SentMessageOutcome {
  ok: boolean;
  /** Bitrix's reason when it refused this one message. */
  error: string | undefined;
  /** The portal user Bitrix maps the customer to. */
  bitrixUserId: string | undefined;
  sessionId: string | undefined;
  /** The Open Lines chat (`im.chat_id` of later operator events). */
  chatId: string | undefined;
}

const truthy = (v: unknown) => v === true || v === "Y" || v === "y" || v === 1 || v === "1" || v === "true";

function describeErrors(errors: unknown): string {
  if (errors == null) return "refused by Bitrix24";
  if (typeof errors === "string") return errors;
  return JSON.stringify(errors).slice(0, 500);
}

/**
 * Reads a `send.messages` result into one outcome per message sent, in order. A result that lists
 * fewer elements than were sent marks the missing ones as failed, so no message counts as
 * delivered without Bitrix saying so.
 */
export function readSendMessagesResult(result: unknown, sent: number): SentMessageOutcome[] {
  const parsed = resultSchema.safeParse(result);
  const items = parsed.success ? (parsed.data.DATA?.RESULT ?? []) : [];
  return Array.from({ length: sent }, (_, i) => {
    const item = items[i];
    if (!item)
      return {
        ok: false,
        error: "Bitrix24 gave no result for this message",
        bitrixUserId: undefined,
        sessionId: undefined,
        chatId: undefined,
      };
    const ok = item.SUCCESS === undefined ? item.ERRORS == null : truthy(item.SUCCESS);
    return {
      ok,
      error: ok ? undefined : describeErrors(item.ERRORS),
      bitrixUserId: item.user === undefined ? undefined : String(item.user),
      sessionId: item.session?.ID === undefined ? undefined : String(item.session.ID),
      chatId: item.session?.CHAT_ID === undefined ? undefined : String(item.session.CHAT_ID),
    };
  });
}
