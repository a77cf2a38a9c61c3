/**
 * @module web/telegram-routes — the Telegram customer page's API: a user writes to a bot of the
 * company through the fake Bot API's webhook delivery and reads the bot's messages.
 */
import type { Hono } from "hono";
import type { TelegramBot } from "../channels.js";
import { UnknownBotError, WebhookRefusedError, type TelegramCustomers } from "../customers/telegram-customers.js";
import { readUpload } from "../customers/uploaded-file.js";
import type { InboxStore } from "../inbox/inbox-store.js";
import { sendFile } from "./file-routes.js";
import { HttpProblem, readForm, text } from "./problems.js";

/** Adds `/api/telegram/…`. */
export function addTelegramRoutes(app: Hono, telegram: TelegramCustomers, store: InboxStore): void {
  app.get("/api/telegram/chat", (c) => {
    const bot = telegramBot(telegram, c.req.query("bot"));
    const messages = telegram.chat(bot.host, telegramUserId(c.req.query("user")));
    return c.json({
      bot: { host: bot.host, username: bot.username, name: bot.firstName },
      bots: telegram.bots,
      messages,
    });
  });

  app.post("/api/telegram/send", async (c) => {
    const form = await readForm(c);
    const bot = telegramBot(telegram, form.bot);
    const user = { id: telegramUserId(form.user), name: text(form.name, 64) || "Customer" };
    const upload = await readUpload(form.file);
    const message = text(form.text, 4096, true);
    if (!message && !upload) throw new HttpProblem(400, "Write a message or attach a file");
    if (bot.host === "salesrender") store.rememberName("telegram", `tg://user?id=${user.id}`, user.name);
    try {
      return c.json(await telegram.send(bot.host, user, message, upload), 201);
    } catch (error) {
      if (error instanceof WebhookRefusedError) throw new HttpProblem(502, error.message);
      throw error;
    }
  });

  app.get("/api/telegram/files/:index", (c) => {
    const file = telegram.botFile(Number(c.req.param("index")));
    if (!file) throw new HttpProblem(404, "No such file");
    return sendFile(c, file.name, contentTypeOf(file.name), file.bytes);
  });
}

/** The bot a request names by its CRM (`bot=salesrender|bitrix24`; none: the SalesRender one). */
function telegramBot(telegram: TelegramCustomers, value: unknown): TelegramBot {
  const host = text(value, 40) || "salesrender";
  try {
    return telegram.bot(host);
  } catch (error) {
    if (error instanceof UnknownBotError) throw new HttpProblem(404, error.message);
    throw error;
  }
}

function telegramUserId(value: unknown): number {
  const id = Number(text(value, 20));
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new HttpProblem(400, "user must be a Telegram user id (a positive number)");
  return id;
}

/** The Bot API keeps no content type with a file; its name tells photos apart. */
function contentTypeOf(name: string): string {
  const extension = /\.(\w+)$/.exec(name)?.[1]?.toLowerCase();
  const known: Record<string, string> = {
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    png: "image/png",
    gif: "image/gif",
    webp: "image/webp",
    ogg: "audio/ogg",
    mp3: "audio/mpeg",
    pdf: "application/pdf",
    txt: "text/plain",
  };
  return (extension && known[extension]) || "application/octet-stream";
}
