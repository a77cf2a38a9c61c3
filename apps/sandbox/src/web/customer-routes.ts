/**
 * @module web/customer-routes — the customers' side: a Telegram user, a phone and a mail program,
 * each driving the real gateway through its fake (webhook, signed Twilio form, SMTP).
 */
import type { Hono } from "hono";
import { MailReportError } from "../customers/email-customers.js";
import { SmsCustomerError } from "../customers/sms-customers.js";
import type { TelegramBot } from "../channels.js";
import { UnknownBotError, WebhookRefusedError } from "../customers/telegram-customers.js";
import { readUpload } from "../customers/uploaded-file.js";
import { sendFile } from "./file-routes.js";
import { HttpProblem, readForm, readJsonObject, text } from "./problems.js";
import type { SandboxServices } from "./services.js";

const PHONE = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** Adds `/api/telegram/…`, `/api/sms/…` and `/api/email/…`. */
export function addCustomerRoutes(app: Hono, services: SandboxServices): void {
  addTelegramRoutes(app, services);
  addSmsRoutes(app, services);
  addEmailRoutes(app, services);
}

function addTelegramRoutes(app: Hono, { telegram, store }: SandboxServices): void {
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

function addSmsRoutes(app: Hono, { sms, store }: SandboxServices): void {
  app.get("/api/sms/thread", (c) =>
    c.json({ companyNumber: sms.companyNumber, messages: sms.thread(phone(c.req.query("phone"))) }),
  );

  app.post("/api/sms/send", async (c) => {
    const form = await readForm(c);
    const from = phone(form.phone);
    const upload = await readUpload(form.file);
    const message = text(form.text, 1600, true);
    if (!message && !upload) throw new HttpProblem(400, "Write a text or attach a picture");
    if (upload && !upload.contentType.startsWith("image/"))
      throw new HttpProblem(400, "An MMS can carry pictures only");
    const name = text(form.name, 64);
    if (name) store.rememberName("sms", from, name);
    return c.json(await smsCall(() => sms.send(from, message, upload)), 201);
  });

  app.post("/api/sms/messages/:sid/status", async (c) => {
    const body = await readJsonObject(c);
    if (body.status !== "delivered" && body.status !== "failed")
      throw new HttpProblem(400, 'status must be "delivered" or "failed"');
    const outcome = body.status;
    await smsCall(() => sms.mark(c.req.param("sid"), outcome));
    return c.body(null, 204);
  });
}

function addEmailRoutes(app: Hono, { email, store }: SandboxServices): void {
  app.get("/api/email/mailbox", (c) =>
    c.json({ companyAddress: email.companyAddress, threads: email.threads(address(c.req.query("address"))) }),
  );

  app.post("/api/email/send", async (c) => {
    const form = await readForm(c);
    const from = address(form.address);
    const name = text(form.name, 64);
    const subject = text(form.subject, 200);
    const body = text(form.text, 50_000, true);
    const upload = await readUpload(form.file);
    if (!body && !upload) throw new HttpProblem(400, "Write the mail or attach a file");
    if (name) store.rememberName("email", from, name);
    try {
      const inReplyTo = text(form.inReplyTo, 300) || undefined;
      return c.json(await email.send({ name, address: from, subject, text: body, inReplyTo, upload }), 201);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new HttpProblem(502, `The email gateway's SMTP server did not take the mail: ${reason}`);
    }
  });

  app.post("/api/email/mails/:id/delivery", async (c) => {
    const body = await readJsonObject(c);
    if (body.status !== "delivered" && body.status !== "failed")
      throw new HttpProblem(400, 'status must be "delivered" or "failed"');
    try {
      await email.report(c.req.param("id"), body.status);
    } catch (error) {
      if (error instanceof MailReportError) throw new HttpProblem(error.status, error.message);
      throw new HttpProblem(
        502,
        `The email gateway's SMTP server did not take the report: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return c.body(null, 204);
  });

  app.get("/api/email/attachments/:mail/:index", (c) => {
    const file = email.attachment(Number(c.req.param("mail")), Number(c.req.param("index")));
    if (!file) throw new HttpProblem(404, "No such attachment");
    return sendFile(c, file.name, file.contentType, file.bytes);
  });
}

/** The bot a request names by its CRM (`bot=salesrender|bitrix24`; none: the SalesRender one). */
function telegramBot(telegram: SandboxServices["telegram"], value: unknown): TelegramBot {
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

function phone(value: unknown): string {
  const number = text(value, 20).replace(/[\s()-]/g, "");
  if (!PHONE.test(number)) throw new HttpProblem(400, "phone must be in international form, like +14155550123");
  return number;
}

function address(value: unknown): string {
  const mail = text(value, 200).toLowerCase();
  if (!EMAIL.test(mail)) throw new HttpProblem(400, "address must be an email address, like ann@example.org");
  return mail;
}

async function smsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SmsCustomerError) throw new HttpProblem(error.status as 404, error.message);
    throw error;
  }
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
