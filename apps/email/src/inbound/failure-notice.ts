/**
 * @module inbound/failure-notice — bounces that are not RFC 3464 reports: the plain-text "failure
 * notice" mails of qmail, Exim's default setup, Yahoo, mail.ru, older Gmail and Exchange,
 * OpenSMTPD and others. Recognised by their sender, headers, subject and wording; the reason is
 * the remote server's answer quoted in the text.
 */
import type { HeaderValue, ParsedMail } from "mailparser";

/** What a mail says about itself that marks it as a bounce. */
export interface NoticeEnvelope {
  /** The SMTP envelope sender; `""` is the null sender `MAIL FROM:<>` of every bounce. */
  mailFrom?: string;
}

// Never a person. (`postmaster` can be: a small company's role address writing to support.)
const DAEMON_SENDER =
  /^(mailer-daemon|mail-daemon|maildaemon|mailerdaemon|mail-delivery-system|mail-delivery-subsystem)$/i;

const BOUNCE_SUBJECT =
  /^\s*(failure notice|undeliver(ed|able)\b|undelivered mail returned to sender|mail delivery (failed|failure|system)|delivery status notification \((failure|delay)\)|returned mail|mail system error|delivery failure|delivery has failed|message not delivered|non[- ]?delivery|warning: could not send message|could not send message|message delivery failure|delayed mail|mail failure|nicht zustellbar|unzustellbar|non remis|non distribuable|no se puede entregar|non recapitabile|não entregue|onbestelbaar|niedostarczalne|kan ikke leveres|kunde inte levereras|ei voitu toimittaa|недоставленное сообщение|сообщение не доставлено)/iu;

// What MTAs write, not what a customer writing about an undelivered parcel would: a human's mail
// with a bounce-like subject must still reach the CRM.
const BODY_MARKERS = [
  /This is the mail system at host/i, // Postfix
  /I'm sorry to have to inform you that your message could not/i, // Postfix
  /This is the qmail-send program/i, // qmail
  /I wasn't able to deliver your message/i, // qmail
  /This message was created automatically by mail delivery software/i, // Exim
  /A message that you sent could not be delivered to one or more of its/i, // Exim
  /Sorry, we were unable to deliver your message to the following address/i, // Yahoo
  /Delivery to the following recipients? failed/i, // Gmail
  /Your message wasn't delivered to .+ because/i, // Gmail
  /Your message to .+ couldn't be delivered/i, // Microsoft 365
  /Delivery has failed to these recipients or groups/i, // Exchange
  /Your message did not reach some or all of the intended recipients/i, // Exchange 2003
  /This is the MAILER-DAEMON, please DO NOT REPLY/i, // OpenSMTPD
  /An error has occurred while attempting to deliver a message/i, // OpenSMTPD
  /The following addresses had permanent fatal errors/i, // Sendmail
  /Transcript of session follows/i, // Sendmail
  /Это письмо создано автоматически сервером/iu, // mail.ru
  /не может быть доставлено одному или нескольким/iu, // mail.ru
  /Сообщение не было доставлено по следующим адресам/iu, // Yandex
  /Diese Nachricht wurde automatisch von einem Mail-System erstellt/i,
];

// Delay warnings: the MTA still retries, so the message's status does not change.
const DELAY_MARKERS =
  /(This is a warning message only|has not yet been delivered|will (retry|keep trying)|still trying|Delivery Status Notification \(Delay\)|Delayed Mail|message is delayed|delivery is delayed|temporarily deferred)/i;

function headerText(value: HeaderValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (value instanceof Date || Array.isArray(value)) return "";
  return "value" in value && typeof value.value === "string" ? value.value : "";
}

/** Which kind of mail-system sender wrote the mail: MAILER-DAEMON (or one without an address), postmaster, or none. */
export function mailSystemSender(mail: ParsedMail): "daemon" | "postmaster" | undefined {
  const from = mail.from?.value[0];
  if (!from) return undefined;
  const address = from.address ?? "";
  const local = (address.includes("@") ? address.slice(0, address.lastIndexOf("@")) : address).trim();
  if (DAEMON_SENDER.test(local)) return "daemon";
  if (/^postmaster$/i.test(local)) return "postmaster";
  // `From: MAILER-DAEMON <>` or `From: Mail Delivery System` with no domain.
  if (!address.includes("@") && DAEMON_SENDER.test((from.name ?? "").trim().replace(/\s+/g, "-"))) return "daemon";
  return undefined;
}

/** True when a mail is a plain-text bounce (see the module comment). */
export function isFailureNotice(mail: ParsedMail, envelope: NoticeEnvelope): boolean {
  if (mail.headers.has("x-failed-recipients")) return true;
  const sender = mailSystemSender(mail);
  if (sender === "daemon") return true;
  const subject = BOUNCE_SUBJECT.test(mail.subject ?? "");
  const body = BODY_MARKERS.some((marker) => marker.test(mail.text ?? ""));
  const nullSender = envelope.mailFrom === "";
  if (sender === "postmaster") return subject || body || nullSender;
  // A null sender alone is also every RFC 3834 vacation reply: those are customers' mail.
  return (nullSender && (subject || body)) || (subject && body);
}

/** True when the notice only says that delivery is delayed. */
export function isDelayWarning(text: string, subject: string): boolean {
  return DELAY_MARKERS.test(subject) || DELAY_MARKERS.test(text.slice(0, 2000));
}

// Where the copy of the returned message starts: nothing below it is the MTA's own words.
const COPY_MARKER =
  /^[ \t]*(-{2,}.*(copy of the message|original message|below this line|returned message|message header|header of the original|undelivered message|исходное сообщение|текст исходного).*|Original message headers:|Original message follows|Below (this line )?is a copy of the (original )?message.*|[-=]*\s*Original message\s*[-=]*|(Return-Path|Received|DKIM-Signature|Message-ID|MIME-Version):.*)$/imu;
const SMTP_REPLY = /\b[45]\d\d:?(?:[ -]#?[245]\.\d{1,3}\.\d{1,3})?[ -]\S/u;
const ENHANCED_CODE = /\(#?[45]\.\d{1,3}\.\d{1,3}\)|#[45]\.\d{1,3}\.\d{1,3}/u;

/** The MTA's own text: everything above the copy of the returned message. */
function ownText(text: string): string {
  const normalised = text.replace(/\r\n?/g, "\n");
  const marker = COPY_MARKER.exec(normalised);
  return marker ? normalised.slice(0, marker.index) : normalised;
}

/**
 * The human-readable reason of a bounce: the paragraph holding the remote server's SMTP answer,
 * from the reply code on; else a qmail-style `(#5.1.1)` paragraph; else the failed recipient.
 */
export function failureReason(mail: ParsedMail): string {
  const paragraphs = ownText(mail.text ?? "")
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  for (const paragraph of paragraphs) {
    const match = SMTP_REPLY.exec(paragraph);
    if (match) return clip(balanced(paragraph.slice(match.index)));
  }
  const coded = paragraphs.find((p) => ENHANCED_CODE.test(p));
  if (coded) return clip(coded);
  const failed = headerText(mail.headers.get("x-failed-recipients")).trim();
  // Exim and mail.ru: the failed address, then what the remote side said, without a code.
  const addresses = failed ? failed.split(/\s*,\s*/) : [];
  const explained = paragraphs.find((p) =>
    addresses.some((a) => p.includes(a) && p.replace(a, "").trim().split(/\s+/).length >= 4),
  );
  if (explained) return clip(explained);
  if (failed) return `Delivery failed to ${failed}`;
  return clip(`Delivery failed: ${mail.subject?.trim() || "the mail system returned the message"}`);
}

/** Drops a closing parenthesis left over from `(reason: 550 …)`. */
function balanced(text: string): string {
  const opens = (text.match(/\(/g) ?? []).length;
  const closes = (text.match(/\)/g) ?? []).length;
  return closes > opens ? text.replace(/\)\s*$/, "") : text;
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
