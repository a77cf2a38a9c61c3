/**
 * @module crm-simulator/body-shapes — checks the `body` claim of incoming/status calls (§6.1, §6.2).
 *
 * Deliberately strict: a gateway that drifts from the wire format should fail loudly in tests.
 */
import type { IncomingBody, StatusBody } from "./types.js";

const STATUSES = ["sent", "delivered", "read", "error"];
const ATTACHMENT_TYPES = ["file", "image", "voice"];

/** Returns why an incoming-message body is malformed, or undefined when it is fine. */
export function incomingBodyProblem(body: Record<string, unknown>): string | undefined {
  const chat = asObject(body.chat);
  const message = asObject(body.message);
  if (!chat) return "body.chat must be an object";
  if (typeof chat.contact !== "string" || chat.contact === "") return "body.chat.contact must be a non-empty string";
  if (!message) return "body.message must be an object";
  if (message.id != null) return "body.message.id must be absent on incoming messages (§6.1)";
  const content = message.content;
  if (content != null) {
    const c = asObject(content);
    if (!c || typeof c.text !== "string" || typeof c.format !== "string") {
      return "body.message.content must be null or {text, format} strings";
    }
  }
  const attachments = message.attachments ?? [];
  if (!Array.isArray(attachments)) return "body.message.attachments must be an array";
  for (const a of attachments) {
    const att = asObject(a);
    if (
      !att ||
      typeof att.name !== "string" ||
      typeof att.uri !== "string" ||
      !ATTACHMENT_TYPES.includes(String(att.type))
    ) {
      return "every attachment must be {name, uri, type: file|image|voice}";
    }
  }
  if (content == null && attachments.length === 0) return "incoming message has neither content nor attachments";
  return undefined;
}

/** Returns why a status body is malformed, or undefined when it is fine. */
export function statusBodyProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.id !== "string" || body.id === "") return "body.id must be the CRM message id as a string";
  if (!STATUSES.includes(String(body.status))) return `body.status must be one of ${STATUSES.join(", ")}`;
  return undefined;
}

/** Narrows a verified incoming body. */
export function asIncomingBody(body: Record<string, unknown>): IncomingBody {
  return body as unknown as IncomingBody;
}

/** Narrows a verified status body. */
export function asStatusBody(body: Record<string, unknown>): StatusBody {
  return body as unknown as StatusBody;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
