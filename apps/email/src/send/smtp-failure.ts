/**
 * @module send/smtp-failure — fixed, readable texts for SMTP connection failures. The peer's own
 * words (a greeting, a banner) are never repeated: a settings form must not become a way to read
 * what answers on some host and port.
 */

/** The fields nodemailer sets on the errors it throws. */
export interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  /** The server's reply line(s), when the failure is an SMTP answer. */
  response?: string;
  command?: string;
}

/** Text shown when the server offers no STARTTLS and the tenant did not allow unencrypted connections. */
export const NO_STARTTLS_TEXT =
  'The SMTP server does not offer encryption (STARTTLS). Turn on implicit TLS if it uses port 465, or tick "Allow unencrypted connection"';

/** The failure of an SMTP connection, login or command as one fixed sentence (with the SMTP reply code, if any). */
export function smtpFailureText(error: unknown): string {
  const e = (error ?? {}) as NodemailerError;
  const code = typeof e.responseCode === "number" ? ` (SMTP ${e.responseCode})` : "";
  const socket = socketCode(e);
  switch (e.code) {
    case "EAUTH":
      return `The SMTP server refused the user name or password${code}`;
    case "ETLS":
      return e.command === "STARTTLS" || e.command === "EHLO"
        ? NO_STARTTLS_TEXT
        : "The TLS connection to the SMTP server failed: check the port, implicit TLS and the server's certificate";
    case "EDNS":
      return "The SMTP server name could not be resolved";
    case "ETIMEDOUT":
      return "The SMTP server did not answer in time";
    case "EPROTOCOL":
      return "The server at this address and port does not answer like an SMTP server";
    default:
      break;
  }
  if (socket === "ECONNREFUSED") return "Could not connect to the SMTP server: connection refused (ECONNREFUSED)";
  if (socket === "ETIMEDOUT") return "The SMTP server did not answer in time";
  if (socket) return `Could not connect to the SMTP server (${socket})`;
  if (e.code === "ECONNECTION" || e.code === "ESOCKET") {
    return e.command === "EHLO" ? NO_STARTTLS_TEXT : `The SMTP server closed the connection${code}`;
  }
  return `The SMTP exchange failed${code}${e.code && /^E[A-Z]+$/.test(e.code) ? ` (${e.code})` : ""}`;
}

/** The operating system's error code of a socket failure (`ECONNREFUSED`…), if this is one. */
function socketCode(e: NodemailerError): string | undefined {
  const match = /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE)\b/.exec(e.message ?? "");
  return match?.[1];
}
