/**
 * @module send/classify-error — nodemailer failures as Switchboard errors: SMTP 5xx is permanent,
 * 4xx and connection trouble are retried.
 */
import { GatewayNetworkError, GatewayRefusedError, InvalidInputError, SwitchboardError } from "@switchboard/core";

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Turns whatever `sendMail` threw into a Switchboard error whose message is the server's reply. */
export function classifySmtpError(error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  const e = (error ?? {}) as NodemailerError;
  const reply = (e.response ?? e.message ?? String(error)).trim();
  const code = e.responseCode;
  if (typeof code === "number" && code >= 500) {
    return new GatewayRefusedError(reply, { permanent: true, code, cause: error });
  }
  if (typeof code === "number" && code >= 400) {
    return new GatewayRefusedError(reply, { permanent: false, code, cause: error });
  }
  // Refused before any SMTP exchange: the message itself is unusable (e.g. no recipients).
  if (e.command === "API" && e.code === "EENVELOPE") return new InvalidInputError(reply, { cause: error });
  if (e.code === "EAUTH") {
    return new GatewayRefusedError(`SMTP authentication failed: ${reply}`, { permanent: true, cause: error });
  }
  return new GatewayNetworkError(`SMTP server unreachable: ${reply}`, { cause: error });
}
