/**
 * @module send/send-message — delivers one CRM message as an email: threaded into the customer's
 * conversation, with a failure DSN requested and bounces addressed to the inbound address.
 */
import { InvalidInputError, type OutgoingMessage, type SendContext, type SendResult } from "@switchboard/core";
import { isEmailAddress, MAX_ADDRESS_LENGTH, normaliseAddress } from "../contact/address.js";
import type { EmailSettings } from "../settings/form.js";
import { tenantAddresses } from "../settings/tenant-addresses.js";
import type { EmailServices } from "../services.js";
import { bracketed, gatewayDomain, outgoingMessageId, replyReferences } from "../threading/message-id.js";
import { baseSubject, replySubject } from "../threading/subject.js";
import { classifySmtpError } from "./classify-error.js";
import { downloadAttachments } from "./download-attachments.js";
import { renderContent } from "./render-content.js";
import { resolveSmtpDestination } from "./smtp-destination.js";

/**
 * The chat's contact as the one recipient: exactly one bare address. Anything else (a display
 * name, a list, a line break followed by a header) would add recipients or headers.
 */
function recipientOf(contact: string): string {
  const address = contact.trim();
  if (isEmailAddress(address)) return address;
  const shown = JSON.stringify(contact.slice(0, MAX_ADDRESS_LENGTH));
  throw new InvalidInputError(`The contact must be exactly one bare email address (user@example.com), got ${shown}`);
}

/** The gateway's `send` over the running gateway's services: returns the Message-ID (without brackets) as the channel message id. */
export function createSender(services: EmailServices) {
  return (ctx: SendContext<EmailSettings>, message: OutgoingMessage): Promise<SendResult> =>
    sendMessage(services, ctx, message);
}

async function sendMessage(
  services: EmailServices,
  ctx: SendContext<EmailSettings>,
  message: OutgoingMessage,
): Promise<SendResult> {
  const { tenant } = ctx;
  const { runtime } = services;
  const { smtp, mail } = tenant.settings;
  const addresses = tenantAddresses(mail);
  if (!smtp || !mail || !addresses) {
    throw new InvalidInputError("Email settings are incomplete: set the SMTP server and the From address");
  }
  const defaultSubject = mail.defaultSubject ?? "";
  const recipient = recipientOf(message.chat.contact);
  const contact = normaliseAddress(recipient);

  const id = outgoingMessageId(
    await services.tokens.getOrCreate(tenant.id),
    message.queueId,
    gatewayDomain(runtime.config.selfUri),
  );
  const chatId = message.chat.id;
  const parent = await services.conversations.parentForOutgoing(tenant.id, contact, chatId);
  const chatSubject = message.chat.subject?.trim() || null;
  // A reply keeps its thread's subject: mail programs (Gmail) split a thread whose subject changes.
  const base = parent?.subject || baseSubject(chatSubject) || baseSubject(defaultSubject);
  const subject = parent ? replySubject(base) : (chatSubject ?? defaultSubject);
  const references = parent ? replyReferences(parent.references, parent.messageId) : [];
  const downloads = downloadAttachments(runtime, message.message.attachments);

  let response: string;
  try {
    const destination = await resolveSmtpDestination(smtp.host, services.outbound);
    const transport = services.transports.get(tenant.id, smtp, destination);
    const info = await transport.sendMail({
      from: { name: addresses.from.name, address: addresses.from.address },
      to: recipient,
      replyTo: addresses.inboundAddress,
      subject,
      messageId: bracketed(id),
      inReplyTo: parent ? bracketed(parent.messageId) : undefined,
      references: references.map(bracketed),
      ...renderContent(message.message.content),
      attachments: downloads.attachments,
      // MAIL FROM is the inbound address, so bounces and DSNs come back to our inbound server.
      envelope: { from: addresses.inboundAddress, to: recipient },
      dsn: { envid: id, ret: "HDRS", notify: "FAILURE", orcpt: recipient },
    });
    response = info.response;
  } catch (error) {
    const failure = downloads.failure() ?? classifySmtpError(error);
    ctx.logger.warn({ event: "email.send_failed", channelMessageId: id, err: failure }, "email: SMTP send failed");
    throw failure;
  }

  await services.conversations.recordOutgoing(tenant.id, {
    messageId: id,
    direction: "out",
    contact,
    chatId,
    threadId: parent?.threadId ?? id,
    subject: base || null,
    references,
    createdAt: Date.now(),
  });
  return { ids: [id], details: { smtpResponse: response } };
}
