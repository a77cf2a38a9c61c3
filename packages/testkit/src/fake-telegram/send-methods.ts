/**
 * @module fake-telegram/send-methods — sendMessage, sendPhoto, sendDocument, sendVoice and
 * sendMediaGroup, with the Bot API's checks: chat id, parse errors, 4096/1024 limits, file inputs.
 */
import { parseMessageText, visibleLength, type ParsedLink } from "./html.js";
import { badRequest, ok, unixNow, type MethodHandler, type MethodInput, type MethodResult } from "./method.js";
import type { FakeSentFile, FakeSentMessage } from "./types.js";

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const UPLOAD_LIMIT = 50 * 1024 * 1024;

/** A checked parameter, or the error answer it earned. */
export type Checked<T> = { ok: true; value: T } | { ok: false; answer: MethodResult };

/** `chat_id` as a string: an integer or an `@username`; anything else is an unknown chat. */
export function readChatId(params: Record<string, unknown>): Checked<string> {
  const raw = params.chat_id;
  const id = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  if (id === "") return { ok: false, answer: badRequest("chat_id is empty") };
  if (!/^-?\d{1,20}$/.test(id) && !/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(id)) {
    return { ok: false, answer: badRequest("chat not found") };
  }
  return { ok: true, value: id };
}

/** A text or caption as Telegram shows it: the visible text and its links. */
export type VisibleText = { visible: string; links: ParsedLink[] };

/** Parses a text or caption and checks its length. */
export function readText(
  value: unknown,
  parseMode: unknown,
  limit: number,
  kind: "message" | "caption",
): Checked<VisibleText | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const parsed = parseMessageText(String(value), parseMode);
  if (!parsed.ok)
    return { ok: false, answer: { ok: false, error: { error_code: 400, description: parsed.description } } };
  if (visibleLength(parsed.text) > limit) {
    return {
      ok: false,
      answer: badRequest(kind === "message" ? "message is too long" : "message caption is too long"),
    };
  }
  return { ok: true, value: { visible: parsed.text, links: parsed.links } };
}

/** Resolves a file input: `attach://<part>`, a part named like the field, a URL or a known file_id. */
function readFile(input: MethodInput, kind: string, value: unknown, field: string): Checked<FakeSentFile> {
  const { state, bot, files } = input;
  const attached = typeof value === "string" && value.startsWith("attach://") ? files[value.slice(9)] : undefined;
  const upload = attached ?? (value === undefined ? files[field] : undefined);
  if (upload) {
    if (upload.bytes.length > UPLOAD_LIMIT) {
      return { ok: false, answer: { ok: false, error: { error_code: 413, description: "Request Entity Too Large" } } };
    }
    const stored = state.storeFile(bot, upload.bytes);
    return {
      ok: true,
      value: { kind, fileId: stored.fileId, fileName: upload.fileName, bytes: upload.bytes, reference: undefined },
    };
  }
  if (value === undefined) return { ok: false, answer: badRequest(`there is no ${field} in the request`) };
  const ref = String(value);
  if (/^https?:\/\//.test(ref) || bot.files.has(ref)) {
    return {
      ok: true,
      value: {
        kind,
        fileId: bot.files.has(ref) ? ref : `url-${ref}`,
        fileName: undefined,
        bytes: undefined,
        reference: ref,
      },
    };
  }
  return { ok: false, answer: badRequest("wrong remote file identifier specified: Wrong string length") };
}

/** The `chat` object of a message in a chat with this id. */
export function chatObject(chatId: string): Record<string, unknown> {
  if (chatId.startsWith("@"))
    return { id: -1_000_000_000_000 - chatId.length, type: "channel", username: chatId.slice(1) };
  const id = Number(chatId);
  if (id > 0) return { id, type: "private", first_name: "Customer" };
  return chatId.startsWith("-100") ? { id, type: "supergroup", title: "Group" } : { id, type: "group", title: "Group" };
}

/** Records the message and builds the `Message` object the API answers with. */
function deliver(
  input: MethodInput,
  method: string,
  chatId: string,
  text: {
    raw: string | undefined;
    parsed: VisibleText | undefined;
    parseMode: string | undefined;
  },
  file: FakeSentFile | undefined,
  mediaGroupId?: string,
): Record<string, unknown> {
  const messageId = input.state.nextMessageId(input.bot.token, chatId);
  const sent: FakeSentMessage = {
    token: input.bot.token,
    method,
    chatId,
    messageId,
    raw: text.raw,
    text: text.parsed?.visible,
    links: text.parsed?.links ?? [],
    parseMode: text.parseMode,
    file,
    mediaGroupId,
  };
  input.state.messages.push(sent);
  const message: Record<string, unknown> = { message_id: messageId, date: unixNow(), chat: chatObject(chatId) };
  if (mediaGroupId) message.media_group_id = mediaGroupId;
  if (!file) return { ...message, text: text.parsed?.visible };
  if (text.parsed !== undefined) message.caption = text.parsed.visible;
  const size = file.bytes?.length ?? 0;
  const base = { file_id: file.fileId, file_unique_id: `u-${file.fileId}`, file_size: size };
  if (file.kind === "photo") message.photo = [{ ...base, width: 90, height: 90 }];
  else if (file.kind === "voice") message.voice = { ...base, duration: 1, mime_type: "audio/ogg" };
  else message[file.kind] = { ...base, file_name: file.fileName };
  return message;
}

const sendMessage: MethodHandler = (input) => {
  const chat = readChatId(input.params);
  if (!chat.ok) return chat.answer;
  const parseMode = input.params.parse_mode as string | undefined;
  const text = readText(input.params.text, parseMode, TEXT_LIMIT, "message");
  if (!text.ok) return text.answer;
  if (text.value === undefined || text.value.visible.trim() === "") return badRequest("message text is empty");
  return ok(
    deliver(
      input,
      "sendMessage",
      chat.value,
      { raw: String(input.params.text), parsed: text.value, parseMode },
      undefined,
    ),
  );
};

function sendFile(method: string, field: string): MethodHandler {
  return (input) => {
    const chat = readChatId(input.params);
    if (!chat.ok) return chat.answer;
    const parseMode = input.params.parse_mode as string | undefined;
    const caption = readText(input.params.caption, parseMode, CAPTION_LIMIT, "caption");
    if (!caption.ok) return caption.answer;
    const file = readFile(input, field, input.params[field], field);
    if (!file.ok) return file.answer;
    const raw = input.params.caption === undefined ? undefined : String(input.params.caption);
    return ok(deliver(input, method, chat.value, { raw, parsed: caption.value, parseMode }, file.value));
  };
}

const GROUPABLE = new Map([
  ["photo", "visual"],
  ["video", "visual"],
  ["document", "document"],
  ["audio", "audio"],
]);

const sendMediaGroup: MethodHandler = (input) => {
  const chat = readChatId(input.params);
  if (!chat.ok) return chat.answer;
  const media = input.params.media;
  if (!Array.isArray(media)) return badRequest("can't parse media JSON object");
  if (media.length < 2 || media.length > 10) return badRequest("wrong number of media: must include 2-10 items");
  const kinds = new Set(media.map((m: { type?: unknown }) => GROUPABLE.get(String(m?.type)) ?? "invalid"));
  if (kinds.has("invalid")) return badRequest("unsupported media type in the media group");
  if (kinds.size > 1) return badRequest("document, audio and visual media can't be mixed in one media group");
  const items: Array<{
    file: FakeSentFile;
    raw: string | undefined;
    parsed: VisibleText | undefined;
    parseMode: string | undefined;
  }> = [];
  for (const item of media as Array<Record<string, unknown>>) {
    const parseMode = item.parse_mode as string | undefined;
    const caption = readText(item.caption, parseMode, CAPTION_LIMIT, "caption");
    if (!caption.ok) return caption.answer;
    const file = readFile(input, String(item.type), item.media, "media");
    if (!file.ok) return file.answer;
    items.push({
      file: file.value,
      raw: item.caption === undefined ? undefined : String(item.caption),
      parsed: caption.value,
      parseMode,
    });
  }
  const group = input.state.nextMediaGroupId();
  return ok(items.map((i) => deliver(input, "sendMediaGroup", chat.value, i, i.file, group)));
};

/** Methods that send messages to chats. */
export const sendMethods: Record<string, MethodHandler> = {
  sendMessage,
  sendPhoto: sendFile("sendPhoto", "photo"),
  sendDocument: sendFile("sendDocument", "document"),
  sendVoice: sendFile("sendVoice", "voice"),
  sendAudio: sendFile("sendAudio", "audio"),
  sendVideo: sendFile("sendVideo", "video"),
  sendMediaGroup,
};
