/**
 * @module customers/email-customers — people mailing the company: their mail goes over SMTP to the
 * email gateway's inbound server (nodemailer as their mail program), and the company's mail is read
 * from the SMTP sink that serves as the company's SMTP account.
 */
import type { SinkMessage, SmtpSink } from "@switchboard/testkit/smtp";
import nodemailer, { type Transporter } from "nodemailer";
import { MAIL_ACCOUNT } from "../channels.js";
import { BOUNCE_DIAGNOSTIC, deliveryReport } from "./delivery-report.js";
import type { UploadStore } from "../files/upload-store.js";
import type { UploadedFile } from "./uploaded-file.js";
import { watchArray } from "./watch-array.js";

/** One mail between a customer and the company. */
export interface MailEntry {
  /** Message-ID without angle brackets. */
  id: string;
  from: "customer" | "company";
  subject: string;
  text: string;
  /** The company's HTML part, when it sent one (the page sanitises it). */
  html: string | null;
  attachments: Array<{ name: string; url: string; contentType: string; size: number }>;
  /** Ids this mail answers, oldest first (References, else In-Reply-To). */
  references: string[];
  /** The company's mail: what the customer's mail server reported (`sent` until it reports). */
  delivery: "sent" | "delivered" | "bounced" | null;
  at: number;
}

/** Mails of one thread, oldest first. */
export interface MailThread {
  id: string;
  subject: string;
  mails: MailEntry[];
}

/** What a customer writes. */
export interface OutgoingMail {
  name: string;
  address: string;
  subject: string;
  text: string;
  /** The Message-ID of the mail this one answers. */
  inReplyTo?: string;
  upload?: UploadedFile;
}

/** Thrown when a report cannot be made (the page shows the message). */
export class MailReportError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "MailReportError";
  }
}

/** The email side of the sandbox. */
export class EmailCustomers {
  private readonly mailboxes = new Map<string, MailEntry[]>();
  private readonly companyMails = new Map<string, { entry: MailEntry; sinkIndex: number; recipient: string }>();
  private readonly bounced = new Set<string>();
  private readonly transport: Transporter;
  private readonly stopWatching: () => void;

  constructor(
    private readonly sink: SmtpSink,
    inboundPort: number,
    private readonly uploads: UploadStore,
    private readonly onChange: (address: string) => void,
  ) {
    this.transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: inboundPort,
      secure: false,
      ignoreTLS: true,
    });
    this.stopWatching = watchArray(sink.messages, (message, index) => this.noticeCompanyMail(message, index));
  }

  /** The address customers write to. */
  get companyAddress(): string {
    return MAIL_ACCOUNT.address;
  }

  /** A customer's mail with the company, grouped into threads, most recent thread first. */
  threads(address: string): MailThread[] {
    const threads = new Map<string, MailThread>();
    for (const mail of this.mailboxes.get(normalise(address)) ?? []) {
      const id = mail.references[0] ?? mail.id;
      const thread = threads.get(id) ?? { id, subject: mail.subject, mails: [] };
      thread.mails.push(mail);
      threads.set(id, thread);
    }
    return [...threads.values()].sort((a, b) => (b.mails.at(-1)?.at ?? 0) - (a.mails.at(-1)?.at ?? 0));
  }

  /** Sends a customer's mail to the gateway's inbound SMTP server; resolves once it answered 250. */
  async send(mail: OutgoingMail): Promise<MailEntry> {
    const parent = mail.inReplyTo ? this.find(mail.address, mail.inReplyTo) : undefined;
    const references = parent ? [...parent.references, parent.id] : [];
    const info = (await this.transport.sendMail({
      from: { name: mail.name, address: mail.address },
      to: MAIL_ACCOUNT.address,
      subject: mail.subject,
      text: mail.text,
      ...(parent ? { inReplyTo: `<${parent.id}>`, references: references.map((id) => `<${id}>`) } : {}),
      attachments: mail.upload
        ? [{ filename: mail.upload.name, content: mail.upload.bytes, contentType: mail.upload.contentType }]
        : [],
    })) as { messageId: string };
    const entry: MailEntry = {
      id: stripBrackets(info.messageId),
      from: "customer",
      subject: mail.subject,
      text: mail.text,
      html: null,
      attachments: mail.upload
        ? [
            {
              name: mail.upload.name,
              url: `/${this.uploads.put(mail.upload).path}`,
              contentType: mail.upload.contentType,
              size: mail.upload.bytes.length,
            },
          ]
        : [],
      references,
      delivery: null,
      at: Date.now(),
    };
    this.append(mail.address, entry);
    return entry;
  }

  /**
   * Plays the customer's mail server: sends a delivery report (delivered, or failed with a 550)
   * about one of the company's mails to the address it came from, the gateway's inbound server.
   */
  async report(messageId: string, outcome: "delivered" | "failed"): Promise<void> {
    const known = this.companyMails.get(messageId);
    if (!known) throw new MailReportError(404, "No such mail from the company");
    if (known.entry.delivery !== "sent")
      throw new MailReportError(409, `This mail was already reported ${known.entry.delivery}`);
    const { envelope } = this.sink.messages[known.sinkIndex] as SinkMessage;
    const domain = known.recipient.split("@")[1] ?? "customer.test";
    const raw = deliveryReport({
      messageId,
      envelopeId: envelope.dsn.envid,
      to: envelope.mailFrom,
      recipient: known.recipient,
      outcome,
    });
    await this.transport.sendMail({ envelope: { from: `mailer-daemon@${domain}`, to: [envelope.mailFrom] }, raw });
    known.entry.delivery = outcome === "delivered" ? "delivered" : "bounced";
    if (outcome === "failed") this.bounced.add(known.recipient);
    this.onChange(known.recipient);
  }

  /** Why mail to this address failed, when the customer bounced it. */
  failureReason(contact: string): string | undefined {
    return this.bounced.has(normalise(contact)) ? BOUNCE_DIAGNOSTIC : undefined;
  }

  /** An attachment of a mail the company sent (by positions in the sink). */
  attachment(
    mailIndex: number,
    attachmentIndex: number,
  ): { name: string; contentType: string; bytes: Buffer } | undefined {
    const attachment = this.sink.messages[mailIndex]?.parsed.attachments[attachmentIndex];
    if (!attachment) return undefined;
    return {
      name: attachment.filename ?? `attachment-${attachmentIndex}`,
      contentType: attachment.contentType,
      bytes: attachment.content,
    };
  }

  /** Stops watching the sink and closes the SMTP client. */
  close(): void {
    this.stopWatching();
    this.transport.close();
  }

  private find(address: string, id: string): MailEntry | undefined {
    return this.mailboxes.get(normalise(address))?.find((m) => m.id === stripBrackets(id));
  }

  private noticeCompanyMail(message: SinkMessage, index: number): void {
    const { parsed } = message;
    const references = toList(parsed.references).map(stripBrackets);
    const inReplyTo = parsed.inReplyTo ? [stripBrackets(parsed.inReplyTo)] : [];
    const entry: MailEntry = {
      id: stripBrackets(parsed.messageId ?? `sink-${index}`),
      from: "company",
      subject: parsed.subject ?? "",
      text: parsed.text ?? "",
      html: typeof parsed.html === "string" ? parsed.html : null,
      attachments: parsed.attachments.map((a, i) => ({
        name: a.filename ?? `attachment-${i}`,
        url: `/api/email/attachments/${index}/${i}`,
        contentType: a.contentType,
        size: a.size,
      })),
      references: references.length ? references : inReplyTo,
      delivery: "sent",
      at: Date.now(),
    };
    for (const recipient of message.envelope.rcptTo) {
      this.companyMails.set(entry.id, { entry, sinkIndex: index, recipient: normalise(recipient) });
      this.append(recipient, entry);
    }
  }

  private append(address: string, entry: MailEntry): void {
    const key = normalise(address);
    const mailbox = this.mailboxes.get(key) ?? [];
    mailbox.push(entry);
    this.mailboxes.set(key, mailbox);
    this.onChange(key);
  }
}

function normalise(address: string): string {
  return address.trim().toLowerCase();
}

function stripBrackets(id: string): string {
  return id.trim().replace(/^<|>$/g, "");
}

function toList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}
