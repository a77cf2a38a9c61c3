/**
 * @module customers/delivery-report — the delivery status notification (RFC 3464) a customer's mail
 * server sends back about the company's mail: "delivered" or "failed" with the server's reason.
 */
import { randomUUID } from "node:crypto";

/** What the report is about and what it says. */
export interface ReportInput {
  /** The company's mail: its Message-ID (no brackets) and the ENVID it was sent with, if any. */
  messageId: string;
  envelopeId: string | null;
  /** Where the report goes (the envelope sender of the original mail). */
  to: string;
  recipient: string;
  outcome: "delivered" | "failed";
}

/** Why the sandbox's mail server refuses a mail when a customer bounces it. */
export const BOUNCE_DIAGNOSTIC = "550 5.1.1 The email account that you tried to reach does not exist";

/** A raw `multipart/report; report-type=delivery-status` message. */
export function deliveryReport(input: ReportInput): string {
  const domain = input.recipient.split("@")[1] ?? "customer.test";
  const failed = input.outcome === "failed";
  const boundary = `report-${randomUUID()}`;
  return [
    `From: Mail Delivery System <MAILER-DAEMON@${domain}>`,
    `To: ${input.to}`,
    `Subject: ${failed ? "Undelivered Mail Returned to Sender" : "Successful Mail Delivery Report"}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    `In-Reply-To: <${input.messageId}>`,
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    failed
      ? `Your message to ${input.recipient} could not be delivered.`
      : `Your message to ${input.recipient} was delivered.`,
    "",
    `--${boundary}`,
    "Content-Type: message/delivery-status",
    "",
    `Reporting-MTA: dns; mx.${domain}`,
    ...(input.envelopeId ? [`Original-Envelope-Id: ${input.envelopeId}`] : []),
    "",
    `Final-Recipient: rfc822; ${input.recipient}`,
    `Action: ${input.outcome}`,
    `Status: ${failed ? "5.1.1" : "2.0.0"}`,
    ...(failed ? [`Diagnostic-Code: smtp; ${BOUNCE_DIAGNOSTIC}`] : []),
    "",
    `--${boundary}`,
    "Content-Type: text/rfc822-headers",
    "",
    `To: ${input.recipient}`,
    `Message-ID: <${input.messageId}>`,
    "",
    `--${boundary}--`,
    "",
  ].join("\r\n");
}
