/**
 * @module customers/telegram-customers — people writing to the company's bot: their messages
 * become real updates posted to the gateway's webhook (with its secret) by the fake Bot API, and
 * what the bot sent them is read from the fake.
 */
import { UpdateBuilder, type FakeSentMessage, type FakeTelegram } from "@switchboard/testkit/telegram";
import { TELEGRAM_BOT } from "../channels.js";
import type { UploadStore } from "../files/upload-store.js";
import type { UploadedFile } from "./uploaded-file.js";
import { watchArray } from "./watch-array.js";

/** A Telegram user the sandbox's visitor plays. */
export interface TelegramUser {
  id: number;
  name: string;
}

/** One message of a user's chat with the bot, as the customer page shows it. */
export interface TelegramChatEntry {
  id: string;
  from: "customer" | "bot";
  /** Visible text (or caption). */
  text: string | null;
  /** The bot's text in Telegram HTML, when it used `parse_mode: HTML`. */
  html: string | null;
  file: { kind: string; name: string; url: string } | null;
  at: number;
}

/** Thrown when the gateway does not take an update (the page shows the answer). */
export class WebhookRefusedError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`The Telegram gateway answered ${status} to the update: ${detail.slice(0, 300)}`);
    this.name = "WebhookRefusedError";
  }
}

/** The Telegram side of the sandbox. */
export class TelegramCustomers {
  // Update ids start at the clock so a restarted sandbox never repeats one the gateway has seen.
  private readonly builder = new UpdateBuilder(Date.now());
  private readonly chats = new Map<number, TelegramChatEntry[]>();
  private readonly botMessages: FakeSentMessage[] = [];
  private readonly stopWatching: () => void;
  private files = 0;

  constructor(
    private readonly fake: FakeTelegram,
    private readonly uploads: UploadStore,
    private readonly onChange: (userId: number) => void,
  ) {
    this.stopWatching = watchArray(fake.messages, (message) => this.noticeBotMessage(message));
  }

  /** The bot as customers see it. */
  get bot(): { username: string; name: string } {
    return { username: TELEGRAM_BOT.username, name: TELEGRAM_BOT.firstName };
  }

  /** The chat of one user with the bot, oldest first. */
  chat(userId: number): TelegramChatEntry[] {
    return this.chats.get(userId) ?? [];
  }

  /** Sends a text (and/or a photo or document) as the user; resolves once the gateway took the update. */
  async send(user: TelegramUser, text: string, upload: UploadedFile | undefined): Promise<TelegramChatEntry> {
    const [firstName = "Customer", ...rest] = user.name.trim().split(/\s+/);
    const from = {
      id: user.id,
      is_bot: false,
      first_name: firstName,
      ...(rest.length ? { last_name: rest.join(" ") } : {}),
    };
    const fields: Record<string, unknown> = { from, chat: { id: user.id, type: "private", first_name: firstName } };
    let file: TelegramChatEntry["file"] = null;
    if (upload) {
      const media = this.storeFile(upload);
      Object.assign(fields, media.fields, text ? { caption: text } : {});
      file = { kind: media.kind, name: upload.name, url: `/${this.uploads.put(upload).path}` };
    } else {
      fields.text = text;
    }
    const update = this.builder.message({ id: user.id, type: "private" }, fields);
    const response = await this.fake.deliverUpdate(TELEGRAM_BOT.token, update);
    if (!response.ok) throw new WebhookRefusedError(response.status, await response.text());
    const entry: TelegramChatEntry = {
      id: `u${String(update.update_id)}`,
      from: "customer",
      text: text || null,
      html: null,
      file,
      at: Date.now(),
    };
    this.append(user.id, entry);
    return entry;
  }

  /** Bytes of a file the bot sent (by its position in the fake's log). */
  botFile(index: number): { name: string; bytes: Buffer } | undefined {
    const file = this.botMessages[index]?.file;
    if (!file?.bytes) return undefined;
    return { name: file.fileName ?? `${file.kind}-${index}`, bytes: file.bytes };
  }

  /** The Bot API's last refusal for a chat: why a message to it ended in `error`. */
  failureReason(contact: string): string | undefined {
    const chatId = /(-?\d+)$/.exec(contact)?.[1];
    const failed = this.fake.calls.filter((c) => !c.ok && String(c.params.chat_id) === chatId).at(-1);
    return failed?.error ? `Telegram answered ${failed.error.error_code}: ${failed.error.description}` : undefined;
  }

  /** Stops watching the fake. */
  close(): void {
    this.stopWatching();
  }

  private noticeBotMessage(message: FakeSentMessage): void {
    const index = this.botMessages.push(message) - 1;
    if (message.token !== TELEGRAM_BOT.token) return;
    const userId = Number(message.chatId);
    const file = message.file
      ? {
          kind: message.file.kind,
          name: message.file.fileName ?? message.file.kind,
          url: message.file.bytes ? `/api/telegram/files/${index}` : (message.file.reference ?? ""),
        }
      : null;
    this.append(userId, {
      id: `b${index}`,
      from: "bot",
      text: message.text ?? null,
      html: message.parseMode === "HTML" ? (message.raw ?? null) : null,
      file,
      at: Date.now(),
    });
  }

  private storeFile(upload: UploadedFile): { kind: string; fields: Record<string, unknown> } {
    this.files += 1;
    const fileId = `sandbox-${Date.now().toString(36)}-${this.files}`;
    const photo = /^image\/(jpeg|png|webp|gif)$/.test(upload.contentType);
    this.fake.putFile(TELEGRAM_BOT.token, fileId, upload.bytes, `${photo ? "photos" : "documents"}/${upload.name}`);
    const base = { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: upload.bytes.length };
    if (photo) return { kind: "photo", fields: { photo: [{ ...base, width: 800, height: 600 }] } };
    return {
      kind: "document",
      fields: { document: { ...base, file_name: upload.name, mime_type: upload.contentType } },
    };
  }

  private append(userId: number, entry: TelegramChatEntry): void {
    const chat = this.chats.get(userId) ?? [];
    chat.push(entry);
    this.chats.set(userId, chat);
    this.onChange(userId);
  }
}
