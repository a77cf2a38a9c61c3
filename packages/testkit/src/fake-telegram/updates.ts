/**
 * @module fake-telegram/updates — builders for the updates Telegram posts to a webhook.
 */

/** A chat an update comes from: private (positive id) or a group (negative id). */
export interface UpdateChat {
  id: number;
  type?: "private" | "group" | "supergroup" | "channel";
  title?: string;
}

/** Builds updates with increasing `update_id`s and per-chat message ids. */
export class UpdateBuilder {
  private updateId: number;
  private messageId = 0;

  constructor(firstUpdateId = 100_000) {
    this.updateId = firstUpdateId - 1;
  }

  /** A `message` update; `fields` are merged into the message (text, photo, voice, …). */
  message(chat: UpdateChat, fields: Record<string, unknown>): Record<string, unknown> {
    return { update_id: this.nextUpdateId(), message: this.messageBody(chat, fields) };
  }

  /** An `edited_message` update of message `messageId`. */
  edited(chat: UpdateChat, messageId: number, fields: Record<string, unknown>): Record<string, unknown> {
    const body = { ...this.messageBody(chat, fields), message_id: messageId, edit_date: Math.floor(Date.now() / 1000) };
    return { update_id: this.nextUpdateId(), edited_message: body };
  }

  /** A text message. */
  text(chat: UpdateChat, text: string): Record<string, unknown> {
    return this.message(chat, { text });
  }

  /** The next update id (for hand-built updates). */
  nextUpdateId(): number {
    this.updateId += 1;
    return this.updateId;
  }

  private messageBody(chat: UpdateChat, fields: Record<string, unknown>): Record<string, unknown> {
    this.messageId += 1;
    const type = chat.type ?? (chat.id > 0 ? "private" : "supergroup");
    const from = {
      id: chat.id > 0 ? chat.id : 4242,
      is_bot: false,
      first_name: "Ann",
      last_name: "Lee",
      username: "ann_lee",
    };
    return {
      message_id: this.messageId,
      date: Math.floor(Date.now() / 1000),
      chat:
        type === "private"
          ? { id: chat.id, type, first_name: "Ann" }
          : { id: chat.id, type, title: chat.title ?? "Group" },
      from,
      ...fields,
    };
  }
}
