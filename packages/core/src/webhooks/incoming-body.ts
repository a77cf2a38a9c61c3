/**
 * @module webhooks/incoming-body — a customer's message as the CRM outbox stores it (host-neutral).
 */
import type { IncomingMessage } from "../gateway/types.js";
import type { IncomingRequestBody } from "../hosts/types.js";

/** The outbox body of an incoming message: the chat, the message, and the customer's name when the channel gave one. */
export function incomingRequestBody(message: IncomingMessage): IncomingRequestBody {
  const name = message.customer?.name.trim();
  return {
    chat: { id: message.chat.id ?? null, contact: message.chat.contact, subject: message.chat.subject ?? null },
    message: { content: message.message.content ?? null, attachments: message.message.attachments ?? [] },
    ...(name ? { customer: { name } } : {}),
  };
}
