/**
 * @module web/email-routes — the email customer page's API: a mail program sends to the company
 * over SMTP, reads the company's mail and sends delivery reports.
 */
import type { Hono } from "hono";
import { MailReportError, type EmailCustomers } from "../customers/email-customers.js";
import { readUpload } from "../customers/uploaded-file.js";
import type { InboxStore } from "../inbox/inbox-store.js";
import { sendFile } from "./file-routes.js";
import { HttpProblem, readForm, readJsonObject, text } from "./problems.js";

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** Adds `/api/email/…`. */
export function addEmailRoutes(app: Hono, email: EmailCustomers, store: InboxStore): void {
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

function address(value: unknown): string {
  const mail = text(value, 200).toLowerCase();
  if (!EMAIL.test(mail)) throw new HttpProblem(400, "address must be an email address, like ann@example.org");
  return mail;
}
