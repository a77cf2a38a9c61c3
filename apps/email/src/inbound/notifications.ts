/**
 * @module inbound/notifications — mail written by mail systems, never a customer's chat: delivery
 * reports (RFC 3464), plain-text failure notices, abuse/DMARC feedback reports (RFC 5965) and DMARC
 * aggregate reports.
 * A bounce about one of our messages is a status event; any other is logged and dropped, and none
 * is ever refused (a refusal of a bounce goes nowhere: its envelope sender is empty).
 */
import { type Tenant } from "@switchboard/core";
import type { ParsedMail } from "mailparser";
import type { EmailServices } from "../services.js";
import { parseMessageIds } from "../threading/message-id.js";
import { isDeliveryReport, readDeliveryReport, reportOutcome, reportType } from "./delivery-report.js";
import { failureReason, isDelayWarning, isFailureNotice, type NoticeEnvelope } from "./failure-notice.js";
import type { MailEvents } from "./mail-events.js";
import { returnedMessageIds } from "./returned-message.js";

/** The status a notification gives our message, if any. */
export interface BounceResult {
  originalIds: string[];
  outcome?: { status: "error" | "delivered"; reason?: string };
}

/** True for an abuse or DMARC feedback report (`multipart/report; report-type=feedback-report`). */
export function isFeedbackReport(mail: ParsedMail): boolean {
  const { type, reportType: kind } = reportType(mail);
  return type === "multipart/report" && kind === "feedback-report";
}

// RFC 7489 §7.2.1.1: the subject every DMARC aggregate report carries.
const DMARC_AGGREGATE_SUBJECT = /^\s*Report\s+domain:\s*\S+\s+Submitter:\s*\S+/i;

/** True for a DMARC aggregate report (`rua`): XML statistics about our domain, never a customer's mail. */
export function isDmarcAggregateReport(mail: ParsedMail): boolean {
  return DMARC_AGGREGATE_SUBJECT.test(mail.subject ?? "");
}

/** Reads a bounce: which messages it may be about and what it says; undefined for mail that is no bounce. */
export function readBounce(mail: ParsedMail, raw: Buffer, envelope: NoticeEnvelope = {}): BounceResult | undefined {
  const dsn = isDeliveryReport(mail);
  if (dsn) {
    const report = readDeliveryReport(mail, raw);
    if (report) {
      const delayOnly = report.recipients.length > 0 && report.recipients.every((r) => r.action === "delayed");
      const usable = report.recipients.some((r) => r.action !== "");
      // Tied to a message but with no usable recipient: the text part still says what happened.
      if (!usable && !isDelayWarning(mail.text ?? "", mail.subject ?? ""))
        return { originalIds: report.originalIds, outcome: { status: "error", reason: failureReason(mail) } };
      const outcome = delayOnly ? undefined : reportOutcome(report, failureReason(mail));
      return { originalIds: report.originalIds, outcome };
    }
  }
  if (!dsn && !isFailureNotice(mail, envelope)) return undefined;
  const originalIds = [
    ...returnedMessageIds(raw, mail),
    ...parseMessageIds(mail.inReplyTo),
    ...parseMessageIds(mail.references).reverse(),
  ];
  const delay = isDelayWarning(mail.text ?? "", mail.subject ?? "");
  return {
    originalIds: [...new Set(originalIds)],
    outcome: delay ? undefined : { status: "error", reason: failureReason(mail) },
  };
}

/**
 * The envelope, or for mail that came without one (the webhook route) the sender that the last
 * MTA recorded in `Return-Path` (`<>` for a bounce).
 */
export function knownEnvelope(raw: Buffer, envelope: NoticeEnvelope): NoticeEnvelope {
  if (envelope.mailFrom !== undefined) return envelope;
  const head =
    raw
      .subarray(0, 64 * 1024)
      .toString("latin1")
      .split(/\r?\n\r?\n/, 1)[0] ?? "";
  const returnPath = /^Return-Path:[ \t]*<([^>]*)>/im.exec(head);
  return returnPath ? { mailFrom: returnPath[1] } : envelope;
}

/**
 * The events of a mail-system notification for `tenant` (a status at most); undefined when the
 * mail is none (then it is a customer's mail). Never throws a rejection: bounces are accepted even
 * without a usable From.
 */
export async function notificationEvents(
  services: EmailServices,
  tenant: Tenant,
  mail: ParsedMail,
  raw: Buffer,
  envelope: NoticeEnvelope,
): Promise<MailEvents | undefined> {
  const { runtime, messages } = services;
  const log = runtime.logger.child({ tenant: tenant.id });
  const reportId = parseMessageIds(mail.messageId)[0];
  if (isDmarcAggregateReport(mail)) {
    log.info(
      { event: "email.dmarc_report", reportId, subject: mail.subject },
      "email: DMARC aggregate report received, not forwarded",
    );
    return { outcome: "ignored", events: [] };
  }
  if (isFeedbackReport(mail)) {
    const feedbackType = /^Feedback-Type:\s*(\S+)/im.exec(raw.toString("latin1"))?.[1] ?? "unknown";
    log.warn(
      { event: "email.feedback_report", reportId, feedbackType, originalIds: returnedMessageIds(raw, mail) },
      "email: feedback report received (abuse/DMARC), not forwarded",
    );
    return { outcome: "ignored", events: [] };
  }
  const bounce = readBounce(mail, raw, knownEnvelope(raw, envelope));
  if (!bounce) return undefined;
  let ours: string | undefined;
  for (const id of bounce.originalIds) {
    if (
      (await messages.get(tenant.id, id))?.direction === "out" ||
      (await runtime.findOutgoing(tenant, id)) !== undefined
    ) {
      ours = id;
      break;
    }
  }
  if (!ours) {
    log.info(
      { event: "email.bounce_unmatched", reportId, candidates: bounce.originalIds.length },
      "email: bounce about no message of ours, dropped",
    );
    return { outcome: "ignored", events: [] };
  }
  const { outcome } = bounce;
  log.info(
    { event: "email.delivery_report", channelMessageId: ours, reportId, outcome: outcome?.status ?? "none" },
    "email: delivery report",
  );
  return {
    outcome: "status",
    events: outcome ? [{ kind: "status", channelMessageId: ours, status: outcome.status, reason: outcome.reason }] : [],
  };
}
