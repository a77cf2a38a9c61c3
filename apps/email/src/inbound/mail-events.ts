/**
 * @module inbound/mail-events — one raw incoming mail for one tenant, from bytes to the events core
 * stores: a bounce becomes a status, other mail-system notifications and our own mail are logged
 * and dropped, and a customer's mail is one incoming message placed in the conversation it answers.
 * Both inbound paths share it: the SMTP server stores the events with `runtime.storeEvents`, the
 * webhook returns them from its `parse`.
 */
import { createHash } from "node:crypto";
import { type IncomingEvent, type MessageContent, type Tenant, type WebhookEvent } from "@switchboard/core";
import { isEmailAddress, normaliseAddress } from "../contact/address.js";
import type { EmailSettings } from "../settings/form.js";
import { tenantAddresses } from "../settings/tenant-addresses.js";
import type { EmailServices } from "../services.js";
import { parseMessageIds } from "../threading/message-id.js";
import { baseSubject } from "../threading/subject.js";
import { isAutoReply } from "./auto-reply.js";
import { escapeHtml } from "./escape-html.js";
import { InboundRejection } from "./inbound-rejection.js";
import { mailContent } from "./mail-content.js";
import { notificationEvents } from "./notifications.js";
import { parseMail } from "./parse-mail.js";
import { withSenderWarning } from "./sender-authenticity.js";
import { storeAttachments } from "./store-attachments.js";

/** What became of an incoming mail. */
export type InboundOutcome = "forwarded" | "duplicate" | "status" | "ignored";

/** What one mail means: the events to store (none to drop it) and the outcome to report. */
export interface MailEvents {
  outcome: InboundOutcome;
  events: WebhookEvent[];
}

/** How the mail arrived: the envelope sender, and a warning when SPF/DKIM/DMARC did not pass. */
export interface MailEnvelope {
  mailFrom?: string;
  senderWarning?: string;
}

/** The message text with a line per attachment that could not be stored. */
function withNotes(content: MessageContent | null, notes: string[]): MessageContent | null {
  if (notes.length === 0) return content;
  if (!content) return { text: notes.join("\n"), format: "text" };
  if (content.format === "html") {
    return { ...content, text: content.text + notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("") };
  }
  return { ...content, text: `${content.text}\n\n${notes.join("\n")}` };
}

/**
 * The events of one raw mail addressed to `tenant`. Throws `InboundRejection` for mail to refuse.
 * Attachments are stored here (their links go into the message); the message itself is stored by
 * the caller, and its threading row once it was (`onStored`).
 */
export async function mailEvents(
  services: EmailServices,
  tenant: Tenant<EmailSettings>,
  raw: Buffer,
  envelope: MailEnvelope = {},
): Promise<MailEvents> {
  const { runtime, messages, conversations } = services;
  const log = runtime.logger.child({ tenant: tenant.id });
  const mail = await parseMail(raw);

  // Before the sender check: bounces often come `From: MAILER-DAEMON <>`, and a 550 would lose them.
  const notification = await notificationEvents(services, tenant, mail, raw, envelope);
  if (notification) return notification;

  const sender = mail.from?.value[0]?.address || envelope.mailFrom || "";
  if (!isEmailAddress(sender)) throw new InboundRejection(550, "5.1.7 The message has no valid From address");
  const contact = normaliseAddress(sender);
  const ours = tenantAddresses(tenant.settings.mail);
  const messageId = parseMessageIds(mail.messageId)[0];
  if (ours && (contact === normaliseAddress(ours.from.address) || contact === ours.inboundAddress)) {
    log.info(
      { event: "email.own_mail_ignored", channelMessageId: messageId },
      "email: ignored mail from our own address",
    );
    return { outcome: "ignored", events: [] };
  }
  const externalId = messageId ?? `sha256.${createHash("sha256").update(raw).digest("hex")}`;
  const known = await messages.get(tenant.id, externalId);
  // Our own message came back (forwarding loop, BCC).
  if (known?.direction === "out") return { outcome: "ignored", events: [] };
  // Before storing attachments again: re-deliveries must not fill the disk.
  if (known) return { outcome: "duplicate", events: [] };

  const references = parseMessageIds(mail.references);
  const inReplyTo = parseMessageIds(mail.inReplyTo);
  const placement = await conversations.placeIncoming(tenant, contact, [...inReplyTo, ...[...references].reverse()]);
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
  const autoReply = isAutoReply(mail);

  const from = mail.from?.value[0];
  const senderName = from?.address && normaliseAddress(from.address) === contact ? from.name?.trim() : undefined;
  const incoming: IncomingEvent = {
    kind: "incoming",
    message: {
      chat: { id: chatId, contact, subject },
      message: { content, attachments },
      // The From display name, when the sender's address is the one it names.
      ...(senderName ? { customer: { name: senderName } } : {}),
    },
    externalId,
    // Run by the event store in the transaction that stores the message, and only the first time:
    // the thread row commits with the message, so a redelivery never finds one without the other.
    onStored: () => {
      const threading = messages.insertWrite(tenant.id, {
        messageId: externalId,
        direction: "in",
        contact,
        chatId,
        threadId: placement?.threadId ?? references[0] ?? externalId,
        subject,
        references: references.length ? references : inReplyTo.slice(0, 1),
        createdAt: Date.now(),
      });
      if (autoReply)
        log.info(
          { event: "email.auto_reply_forwarded", channelMessageId: externalId },
          "email: forwarded an automatic reply (never answered automatically)",
        );
      return [threading];
    },
  };
  return { outcome: "forwarded", events: [incoming] };
}
