/**
 * @module fake-telegram/edit-methods — editMessageText, editMessageCaption and deleteMessage of a
 * bot's own messages, with the Bot API's refusals: "message to edit not found", "message is not
 * modified", "there is no text in the message to edit", "message to delete not found".
 */
import { badRequest, ok, unixNow, type MethodHandler, type MethodInput, type MethodResult } from "./method.js";
import { chatObject, readChatId, readText, type Checked } from "./send-methods.js";
import type { FakeSentMessage } from "./types.js";

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** The bot's message `message_id` in `chat_id`, not deleted; `missing` names the error when there is none. */
function findMessage(input: MethodInput, missing: string): Checked<FakeSentMessage> {
  if (input.params.inline_message_id !== undefined)
    return { ok: false, answer: badRequest("inline messages are not faked") };
  const chat = readChatId(input.params);
  if (!chat.ok) return chat;
  const messageId = Number(input.params.message_id);
  if (!Number.isSafeInteger(messageId) || messageId <= 0)
    return { ok: false, answer: badRequest("message_id is invalid") };
  const message = input.state.messages.find(
    (m) => m.token === input.bot.token && m.chatId === chat.value && m.messageId === messageId && !m.deleted,
  );
  return message ? { ok: true, value: message } : { ok: false, answer: badRequest(missing) };
}

function edit(kind: "text" | "caption"): MethodHandler {
  return (input): MethodResult => {
    const found = findMessage(input, "message to edit not found");
    if (!found.ok) return found.answer;
    const message = found.value;
    if (kind === "text" && message.file) return badRequest("there is no text in the message to edit");
    if (kind === "caption" && !message.file) return badRequest("there is no caption in the message to edit");
    const parseMode = input.params.parse_mode as string | undefined;
    const value = input.params[kind];
    const text = readText(
      value,
      parseMode,
      kind === "text" ? TEXT_LIMIT : CAPTION_LIMIT,
      kind === "text" ? "message" : "caption",
    );
    if (!text.ok) return text.answer;
    if (kind === "text" && (text.value === undefined || text.value.visible.trim() === "")) {
      return badRequest("message text is empty");
    }
    const visible = text.value?.visible;
    const links = text.value?.links ?? [];
    if (visible === message.text && JSON.stringify(links) === JSON.stringify(message.links)) {
      return badRequest(NOT_MODIFIED);
    }
    message.raw = value === undefined || value === null ? undefined : String(value);
    message.text = visible;
    message.links = links;
    message.parseMode = parseMode;
    message.edits = (message.edits ?? 0) + 1;
    const answer: Record<string, unknown> = {
      message_id: message.messageId,
      date: unixNow(),
      edit_date: unixNow(),
      chat: chatObject(message.chatId),
    };
    if (kind === "text") answer.text = visible;
    else if (visible !== undefined) answer.caption = visible;
    return ok(answer);
  };
}

const deleteMessage: MethodHandler = (input) => {
  const found = findMessage(input, "message to delete not found");
  if (!found.ok) return found.answer;
  found.value.deleted = true;
  return ok(true);
};

/** Methods that change or delete a bot's own messages. */
export const editMethods: Record<string, MethodHandler> = {
  editMessageText: edit("text"),
  editMessageCaption: edit("caption"),
  deleteMessage,
};
