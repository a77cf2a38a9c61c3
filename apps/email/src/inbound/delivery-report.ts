/**
 * @module inbound/delivery-report — reads a delivery status notification
 * (`multipart/report; report-type=delivery-status`, RFC 3464): which message it is about and
 * what happened to it.
 */
import type { ParsedMail } from "mailparser";
import { parseMessageIds } from "../threading/message-id.js";
import { returnedMessageIds } from "./returned-message.js";

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

/** The value and parameters of the top-level Content-Type, lower-cased (MIME types are case-insensitive). */
export function reportType(mail: ParsedMail): { type: string; reportType: string } {
  const header = mail.headers.get("content-type");
  if (!header || typeof header !== "object" || !("value" in header) || typeof header.value !== "string")
    return { type: "", reportType: "" };
  const params = (header as { params?: Record<string, string> }).params ?? {};
  const reportTypeParam = Object.entries(params).find(([name]) => name.toLowerCase() === "report-type")?.[1] ?? "";
  return { type: header.value.toLowerCase(), reportType: reportTypeParam.toLowerCase() };
}

/** True when the message is a delivery status notification. */
export function isDeliveryReport(mail: ParsedMail): boolean {
  const { type, reportType: kind } = reportType(mail);
  return type === "multipart/report" && kind === "delivery-status";
}

/** Reads a delivery report; undefined when it has no machine-readable status part. Needs `keepDeliveryStatus`. */
export function readDeliveryReport(mail: ParsedMail, raw?: Buffer): DeliveryReport | undefined {
  const statusPart = mail.attachments.find((a) => STATUS_TYPES.has(a.contentType.toLowerCase()));
  if (!statusPart) return undefined;
  const { message: messageFields, recipients: recipientBlocks } = statusFields(statusPart.content.toString("utf8"));
  const originalIds: string[] = [];
  const envelopeId = messageFields.get("original-envelope-id");
  if (envelopeId) originalIds.push(decodeXText(envelopeId.trim()));
  for (const returned of mail.attachments.filter((a) => RETURNED_TYPES.has(a.contentType.toLowerCase())))
    originalIds.push(...parseMessageIds(headerValue(returned.content.toString("utf8"), "message-id")));
  // A returned message sent inline is merged into the text by mailparser: read its headers from the raw mail.
  if (raw) originalIds.push(...returnedMessageIds(raw, mail));
  originalIds.push(...parseMessageIds(mail.inReplyTo), ...parseMessageIds(mail.references).reverse());
  const recipients = recipientBlocks
    .filter((fields) => fields.has("action"))
    .map((fields) => ({
      action: (fields.get("action") ?? "").trim().toLowerCase(),
      status: (fields.get("status") ?? "").trim(),
      diagnostic: joinContinuations(stripType(fields.get("diagnostic-code") ?? "")),
      recipient: stripType(fields.get("final-recipient") ?? fields.get("original-recipient") ?? ""),
    }));
  return { originalIds: [...new Set(originalIds)], recipients };
}

/**
 * The status a report gives our message: error on any failure, delivered when all were delivered.
 * `humanReason` (the report's text part) is the reason when no recipient says why.
 */
export function reportOutcome(
  report: DeliveryReport,
  humanReason?: string,
): { status: "error" | "delivered"; reason?: string } | undefined {
  const failed = report.recipients.find((r) => r.action === "failed");
  if (failed) {
    const reason =
      failed.diagnostic || humanReason || (failed.status ? `Delivery failed (${failed.status})` : "Delivery failed");
    return { status: "error", reason };
  }
  if (report.recipients.length > 0 && report.recipients.every((r) => r.action === "delivered")) {
    return { status: "delivered" };
  }
  return undefined;
}

const RECIPIENT_START = new Set(["original-recipient", "final-recipient"]);

/**
 * The per-message fields and each recipient's fields. Blocks are separated by blank lines, but
 * some MTAs write them without one: a recipient block also starts at `Original-Recipient` or
 * `Final-Recipient` once the current block has fields of its own.
 */
function statusFields(text: string): { message: Map<string, string>; recipients: Array<Map<string, string>> } {
  const blocks: Array<Map<string, string>> = [new Map()];
  for (const line of text
    .replace(/\r\n?/g, "\n")
    .replace(/\n[ \t]+/g, " ")
    .split("\n")) {
    let current = blocks[blocks.length - 1]!;
    if (line.trim() === "") {
      if (current.size) blocks.push(new Map());
      continue;
    }
    const match = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const name = match[1].toLowerCase();
    const startsRecipient =
      RECIPIENT_START.has(name) &&
      current.size > 0 &&
      !(name === "final-recipient" && current.size === 1 && current.has("original-recipient"));
    if (startsRecipient || current.has(name)) blocks.push((current = new Map()));
    current.set(name, match[2] ?? "");
  }
  const filled = blocks.filter((fields) => fields.size > 0);
  const first = filled[0];
  const isRecipient = (fields: Map<string, string>): boolean =>
    fields.has("final-recipient") || fields.has("original-recipient") || fields.has("action");
  if (first && !isRecipient(first)) return { message: first, recipients: filled.slice(1) };
  return { message: new Map(), recipients: filled };
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

/** `550-5.1.1 a 550-5.1.1 b 550 5.1.1 c` (a multi-line SMTP reply, unfolded) → `550-5.1.1 a b c`. */
function joinContinuations(diagnostic: string): string {
  const first = /^([45]\d\d)[- ]((?:[245]\.\d{1,3}\.\d{1,3})?)/.exec(diagnostic);
  if (!first) return diagnostic;
  const [head, code, enhanced] = first;
  const prefix = new RegExp(`\\s${code}[- ]${enhanced ? `${enhanced.replace(/\./g, "\\.")}\\s+` : ""}`, "g");
  return (head + diagnostic.slice(head.length).replace(prefix, " ")).replace(/\s+/g, " ").trim();
}

/** RFC 3461 xtext: `+XX` is a hex-encoded byte. */
function decodeXText(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
