/**
 * @module messages/delivery-status — `imconnector.send.status.delivery` items: the answer to an
 * operator's message that says the channel took it (Bitrix has no error status: an operator message
 * without this stays "undelivered"). `message.id` is always an array of our ids, even for one:
 * b24restdocs `imconnector-send-status-delivery.md` says so, and b24-rest-docs#257 / PR #229 show
 * a single value being ignored silently.
 */

/** What is known of one delivered operator message. */
export interface DeliveredOperatorMessage {
  /** `im.chat_id` and `im.message_id` from the operator's event, passed back as they came. */
  im: { chatId: number; messageId: number };
  /** The channel's message id(s) for it (several when the channel split it). */
  channelMessageIds: readonly string[] | string;
  /** Our external chat id (`chat.id` of the event). */
  chatId: string;
  /** When the channel took it (default: now). */
  date?: Date;
}

/** The `MESSAGES[]` element of `send.status.delivery`. */
export interface DeliveryStatusItem {
  im: { chat_id: number; message_id: number };
  message: { id: string[]; date: number };
  chat: { id: string };
}

/** Builds one `send.status.delivery` element; `message.id` is an array whatever was given. */
export function deliveryStatusItem(
  input: DeliveredOperatorMessage,
  now: () => Date = () => new Date(),
): DeliveryStatusItem {
  const ids = typeof input.channelMessageIds === "string" ? [input.channelMessageIds] : [...input.channelMessageIds];
  return {
    im: { chat_id: input.im.chatId, message_id: input.im.messageId },
    message: { id: ids, date: Math.floor((input.date ?? now()).getTime() / 1000) },
    chat: { id: input.chatId },
  };
}

/** The whole `imconnector.send.status.delivery` parameter object. */
export function deliveryStatusParams(connector: string, line: number, messages: readonly DeliveredOperatorMessage[]) {
  return { CONNECTOR: connector, LINE: line, MESSAGES: messages.map((m) => deliveryStatusItem(m)) };
}
