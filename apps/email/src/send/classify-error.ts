/**
 * @module send/classify-error — nodemailer failures as Switchboard errors: SMTP 5xx is permanent,
 * 4xx and connection trouble are retried, a server without the required encryption is permanent.
 */
import { ChannelNetworkError, ChannelRefusedError, InvalidInputError, SwitchboardError } from "@switchboard/core";
import { NO_STARTTLS_TEXT, smtpFailureText, type NodemailerError } from "./smtp-failure.js";

/** Longest part of a server's reply kept as a status reason. */
const MAX_REPLY_LENGTH = 500;

/** The one prefix of what the SMTP server did (or failed to do), as the settings check uses it. */
const PREFIX = "SMTP: ";

/**
 * Turns whatever `sendMail` threw into a Switchboard error. A real SMTP reply to our mail (e.g.
 * `550 5.1.1 No such user`) is kept as the message, because it says why; connection failures get
 * fixed texts (see send/smtp-failure). The channel's failures start with `SMTP: `.
 */
export function classifySmtpError(error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const e = (error ?? {}) as NodemailerError;
  const code = e.responseCode;
  const failure = smtpFailureText(error);
  const text = PREFIX + failure.en_US;
  // Refused before any SMTP exchange: the message itself is unusable (e.g. no recipients).
  if (e.command === "API" && e.code === "EENVELOPE") return new InvalidInputError(failure.en_US, { cause: error });
  if (e.code === "EAUTH") {
    return new ChannelRefusedError(text, { permanent: true, code, cause: error });
  }
  // Trying again cannot make the server offer encryption; the tenant has to change the settings.
  if (failure === NO_STARTTLS_TEXT) return new ChannelRefusedError(text, { permanent: true, code, cause: error });
  if (typeof code === "number" && code >= 400) {
    // The server's answer to our envelope or message is its own reason (no such user, mailbox full).
    const answered = e.code === "EENVELOPE" || e.code === "EMESSAGE";
    return new ChannelRefusedError(answered ? PREFIX + reply(e) : text, { permanent: code >= 500, code, cause: error });
  }
  return new ChannelNetworkError(text, { cause: error });
}

/** The server's reply to MAIL, RCPT or DATA, on one line and bounded. */
function reply(e: NodemailerError): string {
  const text = e.response ?? e.message ?? "";
  return [...text]
    .map((c) => (c < " " || c === "\u007f" ? " " : c))
    .join("")
    .replace(/ +/g, " ")
    .trim()
    .slice(0, MAX_REPLY_LENGTH);
}
