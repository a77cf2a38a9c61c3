/**
 * @module inbound/process-mail — one raw incoming mail for one tenant, from bytes to the CRM:
 * bounces become statuses and other mail-system notifications are logged, our own mail is
 * ignored, everything else is forwarded once into the conversation it answers.
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
import { escapeHtml } from "./escape-html.js";
import { installFlowedDecoder } from "./flowed-text.js";
import { InboundRejection } from "./inbound-rejection.js";
import { mailContent } from "./mail-content.js";
import { handleNotification } from "./notifications.js";
import { withSenderWarning } from "./sender-authenticity.js";
import { storeAttachments } from "./store-attachments.js";

/** What became of an incoming mail. */
export type InboundOutcome = "forwarded" | "duplicate" | "status" | "ignored";

/** The message text with a line per attachment that could not be stored. */
function withNotes(content: MessageContent | null, notes: string[]): MessageContent | null {
  if (notes.length === 0) return content;
  if (!content) return { text: notes.join("\n"), format: "text" };
  if (content.format === "html") {
    return { ...content, text: content.text + notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("") };
  }
  return { ...content, text: `${content.text}\n\n${notes.join("\n")}` };
}

/** Parses a raw RFC 822 message the way every inbound path needs it. */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  // Loaded on the first inbound mail: an idle gateway (most send-only tenants) never pays ~20 MB for it.
  const { simpleParser } = await import("mailparser");
  installFlowedDecoder();
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
  envelope: { mailFrom?: string; senderWarning?: string } = {},
): Promise<InboundOutcome> {
  const { runtime, messages, conversations } = services;
  const log = runtime.logger.child({ tenant: tenant.publicId });
  const mail = await parseMail(raw);

  // Before the sender check: bounces often come `From: MAILER-DAEMON <>`, and a 550 would lose them.
  const notification = handleNotification(services, tenant, mail, raw, envelope);
  if (notification) return notification;

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
  const { attachments, inlineUrls, notes } = await storeAttachments(runtime, tenant, mail.attachments);
  const subject = baseSubject(mail.subject) || null;
  const content = withSenderWarning(
    withNotes(
      (await mailContent(mail, inlineUrls)) ??
        (attachments.length || notes.length ? null : { text: subject ?? "(empty message)", format: "text" as const }),
      notes,
    ),
    envelope.senderWarning,
  );
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
