/**
 * @module customers/telegram-customers — people writing to the company's bots (one answered from
 * the SalesRender inbox, one from the Bitrix24 portal once its line is connected): their messages
 * become real updates posted to the gateway's webhook (with its secret) by the fake Bot API, and
 * what each bot sent them is read from the fake.
 */
import { UpdateBuilder, type FakeSentMessage, type FakeTelegram } from "@switchboard/testkit/telegram";
import { TELEGRAM_BOT, type CrmHost, type TelegramBot } from "../channels.js";
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

/** A bot as the customer page lists it. */
export interface BotView {
  host: CrmHost;
  username: string;
  name: string;
}

/** Thrown for a bot the sandbox does not run (or has not connected yet). */
export class UnknownBotError extends Error {
  constructor(host: string) {
    super(`No bot of the company is answered from "${host.slice(0, 40)}"`);
    this.name = "UnknownBotError";
  }
}

/** The Telegram side of the sandbox. */
export class TelegramCustomers {
  // Update ids start at the clock so a restarted sandbox never repeats one the gateway has seen.
  private readonly builder = new UpdateBuilder(Date.now());
  private readonly chats = new Map<string, TelegramChatEntry[]>();
  private readonly botMessages: FakeSentMessage[] = [];
  private readonly running = new Map<CrmHost, TelegramBot>([[TELEGRAM_BOT.host, TELEGRAM_BOT]]);
  private readonly stopWatching: () => void;
  private files = 0;

  constructor(
    private readonly fake: FakeTelegram,
    private readonly uploads: UploadStore,
    private readonly onChange: (host: CrmHost, userId: number) => void,
  ) {
    this.stopWatching = watchArray(fake.messages, (message) => this.noticeBotMessage(message));
  }

  /** The bots customers can write to, the SalesRender one first. */
  get bots(): BotView[] {
    return [...this.running.values()].map((b) => ({ host: b.host, username: b.username, name: b.firstName }));
  }

  /** Lists another bot (its gateway tenant is set up and its webhook set). */
  addBot(bot: TelegramBot): void {
    this.running.set(bot.host, bot);
  }

  /** The chat of one user with a bot, oldest first. */
  chat(host: CrmHost, userId: number): TelegramChatEntry[] {
    return this.chats.get(`${host}:${userId}`) ?? [];
  }

  /** The running bot answered from `host`, or {@link UnknownBotError}. */
  bot(host: string): TelegramBot {
    const bot = this.running.get(host as CrmHost);
    if (!bot) throw new UnknownBotError(host);
    return bot;
  }

  /** Sends a text (and/or a photo or document) as the user to a bot; resolves once the gateway took the update. */
  async send(
    host: CrmHost,
    user: TelegramUser,
    text: string,
    upload: UploadedFile | undefined,
  ): Promise<TelegramChatEntry> {
    const bot = this.bot(host);
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
      const media = this.storeFile(bot, upload);
      Object.assign(fields, media.fields, text ? { caption: text } : {});
      file = { kind: media.kind, name: upload.name, url: `/${this.uploads.put(upload).path}` };
    } else {
      fields.text = text;
    }
    const update = this.builder.message({ id: user.id, type: "private" }, fields);
    const response = await this.fake.deliverUpdate(bot.token, update);
    if (!response.ok) throw new WebhookRefusedError(response.status, await response.text());
    const entry: TelegramChatEntry = {
      id: `u${String(update.update_id)}`,
      from: "customer",
      text: text || null,
      html: null,
      file,
      at: Date.now(),
    };
    this.append(host, user.id, entry);
    return entry;
  }

  /** Bytes of a file the bot sent (by its position in the fake's log). */
  botFile(index: number): { name: string; bytes: Buffer } | undefined {
    const file = this.botMessages[index]?.file;
    if (!file?.bytes) return undefined;
    return { name: file.fileName ?? `${file.kind}-${index}`, bytes: file.bytes };
  }

  /** The Bot API's last refusal for a chat of the SalesRender bot: why a message to it ended in `error`. */
  failureReason(contact: string): string | undefined {
    const chatId = /(-?\d+)$/.exec(contact)?.[1];
    const failed = this.fake.calls
      .filter((c) => !c.ok && c.token === TELEGRAM_BOT.token && String(c.params.chat_id) === chatId)
      .at(-1);
    return failed?.error ? `Telegram answered ${failed.error.error_code}: ${failed.error.description}` : undefined;
  }

  /** Stops watching the fake. */
  close(): void {
    this.stopWatching();
  }

  private noticeBotMessage(message: FakeSentMessage): void {
    const index = this.botMessages.push(message) - 1;
    const bot = [...this.running.values()].find((b) => b.token === message.token);
    if (!bot) return;
    const userId = Number(message.chatId);
    const file = message.file
      ? {
          kind: message.file.kind,
          name: message.file.fileName ?? message.file.kind,
          url: message.file.bytes ? `/api/telegram/files/${index}` : (message.file.reference ?? ""),
        }
      : null;
    this.append(bot.host, userId, {
      id: `b${index}`,
      from: "bot",
      text: message.text ?? null,
      html: message.parseMode === "HTML" ? (message.raw ?? null) : null,
      file,
      at: Date.now(),
    });
  }

  private storeFile(bot: TelegramBot, upload: UploadedFile): { kind: string; fields: Record<string, unknown> } {
    this.files += 1;
    const fileId = `sandbox-${Date.now().toString(36)}-${this.files}`;
    const photo = /^image\/(jpeg|png|webp|gif)$/.test(upload.contentType);
    this.fake.putFile(bot.token, fileId, upload.bytes, `${photo ? "photos" : "documents"}/${upload.name}`);
    const base = { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: upload.bytes.length };
    if (photo) return { kind: "photo", fields: { photo: [{ ...base, width: 800, height: 600 }] } };
    return {
      kind: "document",
      fields: { document: { ...base, file_name: upload.name, mime_type: upload.contentType } },
    };
  }

  private append(host: CrmHost, userId: number, entry: TelegramChatEntry): void {
    const key = `${host}:${userId}`;
    const chat = this.chats.get(key) ?? [];
    chat.push(entry);
    this.chats.set(key, chat);
    this.onChange(host, userId);
  }
}
