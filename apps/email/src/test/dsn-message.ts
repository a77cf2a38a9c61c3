/**
 * @module test/dsn-message — builds a delivery status notification as a remote MTA would send it.
 */

/** What the report says about one recipient of the original message. */
export interface DsnOptions {
  to: string;
  recipient: string;
  action: "failed" | "delivered" | "delayed";
  status: string;
  diagnostic?: string;
  /** ENVID the original message was sent with (omit to test the returned headers alone). */
  envelopeId?: string;
  /** Message-ID of the original, in its returned headers (omit to test ENVID alone). */
  originalMessageId?: string;
  messageId: string;
}

/** A raw `multipart/report; report-type=delivery-status` message (RFC 3464). */
export function dsnMessage(o: DsnOptions): string {
  const perMessage = [
    "Reporting-MTA: dns; mx.example.org",
    ...(o.envelopeId ? [`Original-Envelope-Id: ${o.envelopeId}`] : []),
  ];
  const perRecipient = [
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Action: ${o.action}`,
    `Status: ${o.status}`,
    ...(o.diagnostic ? [`Diagnostic-Code: smtp; ${o.diagnostic}`] : []),
  ];
  const returned = o.originalMessageId
    ? [
        "--BOUNDARY",
        "Content-Type: text/rfc822-headers",
        "",
        "From: Shop A <shop@a.test>",
        `To: ${o.recipient}`,
        `Message-ID: <${o.originalMessageId}>`,
        "",
      ]
    : [];
  return [
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
    `To: ${o.to}`,
    `Subject: ${o.action === "failed" ? "Undelivered Mail Returned to Sender" : "Delivery Status Notification"}`,
    `Message-ID: <${o.messageId}>`,
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"',
    "",
    "--BOUNDARY",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    `This is the mail system at mx.example.org. Report ${o.messageId}.`,
    "",
    "--BOUNDARY",
    "Content-Type: message/delivery-status",
    "",
    ...perMessage,
    "",
    ...perRecipient,
    "",
    ...returned,
    "--BOUNDARY--",
    "",
  ].join("\r\n");
}
