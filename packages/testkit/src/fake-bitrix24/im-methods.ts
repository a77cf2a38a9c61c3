/**
 * @module fake-bitrix24/im-methods — `im.message.add`: a (system) message into a portal chat, which
 * is how the app tells the operator in an open-line chat that a message could not be delivered.
 */
import type { MethodContext, RestMethod } from "./method.js";
import { flag, param, text } from "./params.js";
import { RestError } from "./rest-error.js";

function messageAdd({ state, portal, params }: MethodContext): unknown {
  const dialogId = text(param(params, "DIALOG_ID"));
  if (dialogId === undefined) throw new RestError(400, "USER_ID_EMPTY", "User ID can't be empty");
  const message = text(param(params, "MESSAGE"));
  if (message === undefined && param(params, "ATTACH") === undefined) {
    throw new RestError(400, "MESSAGE_EMPTY", "Message can't be empty");
  }
  const chat = /^chat(\d+)$/.exec(dialogId);
  if (chat) {
    if (!portal.dialogues.some((d) => d.imChatId === Number(chat[1]))) {
      throw new RestError(400, "CHAT_ID", "Error creating message");
    }
  } else if (!/^\d+$/.test(dialogId)) {
    throw new RestError(400, "USER_NOT_FOUND", "User not found");
  }
  const id = state.id();
  portal.systemMessages.push({
    id,
    dialogId,
    message: message ?? "",
    system: flag(param(params, "SYSTEM"), false),
    params: { ...params },
  });
  return id;
}

/** The `im` methods by lower-cased name (allowed through webhooks too). */
export const imMethods: Record<string, RestMethod> = {
  "im.message.add": { scope: "im", appOnly: false, handle: messageAdd },
};
