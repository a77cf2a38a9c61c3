/**
 * @module inbound/process-mail — one raw incoming mail for one tenant, from bytes to the CRM:
 * delivery reports become statuses, our own mail is ignored, everything else is forwarded once
 * into the conversation it answers.
 */
import { createHash } from "node:crypto";
import type { MessageContent, Tenant } from "@switchboard/core";
import type { ParsedMail } from "mailparser";
import { isEmailAddress, normaliseAddress } from "../settings/address.js";
import { readEmailSettings } from "../settings/email-settings.js";
import type { EmailServices } from "../services.js";
import { parseMessageIds } from "../threading/message-id.js";
import { baseSubject } from "../threading/subject.js";
import { isAutoReply } from "./auto-reply.js";
import { isDeliveryReport, readDeliveryReport, reportOutcome } from "./delivery-report.js";
import { InboundRejection } from "./inbound-rejection.js";
import { storeAttachments } from "./store-attachments.js";
import { stripQuotedText } from "./strip-quoted-text.js";

/** What became of an incoming mail. */
export type InboundOutcome = "forwarded" | "duplicate" | "status" | "ignored";

/** Parses a raw RFC 822 message the way every inbound path needs it. */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  // Loaded on the first inbound mail: an idle gateway (most send-only tenants) never pays ~20 MB for it.
  const { simpleParser } = await import("mailparser");
  return simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    keepCidLinks: true,
    keepDeliveryStatus: true,
  });
}

/** Handles one raw mail addressed to `tenant`. Throws `InboundRejection` for mail to refuse. */
export async function processMail(
  services: EmailServices,
  tenant: Tenant,
  raw: Buffer,
  envelope: { mailFrom?: string } = {},
): Promise<InboundOutcome> {
  const { runtime, messages, conversations } = services;
  const log = runtime.logger.child({ tenant: tenant.publicId });
  const mail = await parseMail(raw);

  if (isDeliveryReport(mail) && applyDeliveryReport(services, tenant, mail)) return "status";

  const sender = mail.from?.value[0]?.address || envelope.mailFrom || "";
  if (!isEmailAddress(sender)) throw new InboundRejection(550, "5.1.7 The message has no valid From address");
  const contact = normaliseAddress(sender);
  const settings = readEmailSettings(tenant.settings);
  const messageId = parseMessageIds(mail.messageId)[0];
  if (settings && (contact === normaliseAddress(settings.from.address) || contact === settings.inboundAddress)) {
    log.info({ messageId }, "email: ignored mail from our own address");
    return "ignored";
  }
  const externalId = messageId ?? `sha256.${createHash("sha256").update(raw).digest("hex")}`;
  const known = messages.get(tenant.ref, externalId);
  if (known?.direction === "out") return "ignored"; // our own message came back (forwarding loop, BCC)
  if (known) return "duplicate"; // before storing attachments again: re-deliveries must not fill the disk

  const references = parseMessageIds(mail.references);
  const inReplyTo = parseMessageIds(mail.inReplyTo);
  const placement = conversations.placeIncoming(tenant, contact, [...inReplyTo, ...[...references].reverse()]);
  const { attachments, inlineUrls } = await storeAttachments(runtime, tenant, mail.attachments);
  const subject = baseSubject(mail.subject) || null;
  const content =
    (await mailContent(mail, inlineUrls)) ??
    (attachments.length ? null : { text: subject ?? "(empty message)", format: "text" as const });
  const chatId = placement?.chatId ?? null;

  const forwarded = runtime.forwardIncoming(
    tenant,
    { chat: { id: chatId, contact, subject }, message: { content, attachments } },
    { externalId },
  );
  messages.insert(tenant.ref, {
    messageId: externalId,
    direction: "in",
    contact,
    chatId,
    threadId: placement?.threadId ?? references[0] ?? externalId,
    subject,
    references: references.length ? references : inReplyTo.slice(0, 1),
    createdAt: Date.now(),
  });
  if (isAutoReply(mail))
    log.info({ messageId: externalId }, "email: forwarded an automatic reply (never answered automatically)");
  return forwarded ? "forwarded" : "duplicate";
}

/** The text part without quoted history; else the sanitised HTML part. */
async function mailContent(
  mail: ParsedMail,
  inlineUrls: ReadonlyMap<string, string>,
): Promise<MessageContent | undefined> {
  const text = mail.text?.trim() ? stripQuotedText(mail.text) : "";
  if (text) return { text, format: "text" };
  if (!mail.html) return undefined;
  // sanitize-html is loaded only for the rare HTML-only mail, keeping the idle gateway small.
  const { sanitizeHtmlBody } = await import("./sanitize-html-body.js");
  const html = sanitizeHtmlBody(mail.html, inlineUrls);
  return html ? { text: html, format: "html" } : undefined;
}

/** Applies a delivery report to the message it is about; false when that is not one of ours. */
function applyDeliveryReport(services: EmailServices, tenant: Tenant, mail: ParsedMail): boolean {
  const report = readDeliveryReport(mail);
  if (!report) return false;
  const { messages, runtime } = services;
  const ours = report.originalIds.find(
    (id) => messages.get(tenant.ref, id)?.direction === "out" || runtime.findOutgoing(tenant, id) !== undefined,
  );
  if (!ours) return false;
  const outcome = reportOutcome(report);
  if (outcome)
    runtime.reportStatus(tenant, ours, outcome.status, outcome.reason ? { reason: outcome.reason } : undefined);
  runtime.logger.info(
    { tenant: tenant.publicId, messageId: ours, outcome: outcome?.status ?? "none" },
    "email: delivery report",
  );
  return true;
}
