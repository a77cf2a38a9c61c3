/**
 * @module web/sms-routes — the SMS customer page's API: a phone texts the company (a signed Twilio
 * webhook), reads the company's texts and plays the carrier's delivery report.
 */
import type { Hono } from "hono";
import { SmsCustomerError, type SmsCustomers } from "../customers/sms-customers.js";
import { readUpload } from "../customers/uploaded-file.js";
import type { InboxStore } from "../inbox/inbox-store.js";
import { HttpProblem, readForm, readJsonObject, text } from "./problems.js";

const PHONE = /^\+[1-9]\d{6,14}$/;

/** Adds `/api/sms/…`. */
export function addSmsRoutes(app: Hono, sms: SmsCustomers, store: InboxStore): void {
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

function phone(value: unknown): string {
  const number = text(value, 20).replace(/[\s()-]/g, "");
  if (!PHONE.test(number)) throw new HttpProblem(400, "phone must be in international form, like +14155550123");
  return number;
}

async function smsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SmsCustomerError) throw new HttpProblem(error.status as 404, error.message);
    throw error;
  }
}
