/**
 * @module inbound/delivery-report — reads a delivery status notification
 * (`multipart/report; report-type=delivery-status`, RFC 3464): which message it is about and
 * what happened to it.
 */
import type { ParsedMail } from "mailparser";
import { parseMessageIds } from "../threading/message-id.js";

/** What one recipient's part of a report says. */
export interface RecipientReport {
  /** `failed`, `delayed`, `delivered`, `relayed` or `expanded`. */
  action: string;
  /** Enhanced status code, e.g. `5.1.1`. */
  status: string;
  /** The remote server's reply, e.g. `550 5.1.1 User unknown`. */
  diagnostic: string;
  recipient: string;
}

/** A parsed delivery report: candidate ids of the original message, and per-recipient results. */
export interface DeliveryReport {
  /** ENVID first, then the Message-ID of the returned headers, then the report's own references. */
  originalIds: string[];
  recipients: RecipientReport[];
}

const STATUS_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);
const RETURNED_TYPES = new Set(["text/rfc822-headers", "message/rfc822", "message/global-headers", "message/global"]);

/** True when the message is a delivery status notification. */
export function isDeliveryReport(mail: ParsedMail): boolean {
  const type = mail.headers.get("content-type");
  if (!type || typeof type !== "object" || !("value" in type)) return false;
  const params = (type as { params?: Record<string, string> }).params ?? {};
  return type.value === "multipart/report" && params["report-type"]?.toLowerCase() === "delivery-status";
}

/** Reads a delivery report; undefined when it has no machine-readable status part. Needs `keepDeliveryStatus`. */
export function readDeliveryReport(mail: ParsedMail): DeliveryReport | undefined {
  const statusPart = mail.attachments.find((a) => STATUS_TYPES.has(a.contentType));
  if (!statusPart) return undefined;
  const [messageFields = new Map<string, string>(), ...recipientBlocks] = fieldBlocks(
    statusPart.content.toString("utf8"),
  );
  const originalIds: string[] = [];
  const envelopeId = messageFields.get("original-envelope-id");
  if (envelopeId) originalIds.push(decodeXText(envelopeId.trim()));
  const returned = mail.attachments.find((a) => RETURNED_TYPES.has(a.contentType));
  if (returned) originalIds.push(...parseMessageIds(headerValue(returned.content.toString("utf8"), "message-id")));
  originalIds.push(...parseMessageIds(mail.inReplyTo), ...parseMessageIds(mail.references).reverse());
  const recipients = recipientBlocks
    .filter((fields) => fields.has("action"))
    .map((fields) => ({
      action: (fields.get("action") ?? "").trim().toLowerCase(),
      status: (fields.get("status") ?? "").trim(),
      diagnostic: stripType(fields.get("diagnostic-code") ?? ""),
      recipient: stripType(fields.get("final-recipient") ?? fields.get("original-recipient") ?? ""),
    }));
  return { originalIds: [...new Set(originalIds)], recipients };
}

/** The status a report gives our message: error on any failure, delivered when all were delivered. */
export function reportOutcome(report: DeliveryReport): { status: "error" | "delivered"; reason?: string } | undefined {
  const failed = report.recipients.find((r) => r.action === "failed");
  if (failed) {
    const reason = failed.diagnostic || (failed.status ? `Delivery failed (${failed.status})` : "Delivery failed");
    return { status: "error", reason };
  }
  if (report.recipients.length > 0 && report.recipients.every((r) => r.action === "delivered")) {
    return { status: "delivered" };
  }
  return undefined;
}

/** Header-style field blocks separated by blank lines, names lower-cased, folded lines joined. */
function fieldBlocks(text: string): Array<Map<string, string>> {
  return text
    .replace(/\r\n/g, "\n")
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.replace(/\n[ \t]+/g, " ").split("\n")) {
        const match = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
        if (match?.[1] && !fields.has(match[1].toLowerCase())) fields.set(match[1].toLowerCase(), match[2] ?? "");
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

function headerValue(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r\n/g, "\n").replace(/\n[ \t]+/g, " ");
  const match = new RegExp(`^${name}\\s*:\\s*(.*)$`, "im").exec(unfolded);
  return match?.[1];
}

/** `smtp; 550 ...` → `550 ...`, `rfc822; a@b` → `a@b`. */
function stripType(value: string): string {
  return value
    .replace(/^\s*[A-Za-z0-9-]+\s*;\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** RFC 3461 xtext: `+XX` is a hex-encoded byte. */
function decodeXText(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
