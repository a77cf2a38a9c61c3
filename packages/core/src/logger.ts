/**
 * @module logger — structured JSON logs (pino): one line per event, named by its `event` field
 * (docs/operating.md lists them all), with secrets redacted wherever they appear.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import { SwitchboardError } from "./errors.js";

/** Keys whose values never reach a log line, at any depth we log. */
export const SECRET_KEYS = [
  "botToken",
  "authToken",
  "password",
  "pass",
  "hpt",
  "HPT",
  "token",
  "secret",
  "secretToken",
  "authorization",
  "x-plugin-token",
  "request",
  "registration",
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "application_token",
  "clientSecret",
  "client_secret",
  "databaseUrl",
];

/** What a log line's `err` holds, whatever was logged under it. */
export interface LoggedError {
  /** The error's class (`ChannelRefusedError`, `TypeError`, …). */
  type?: string;
  message: string;
  /** The provider's or the system's error code (Telegram error_code, Twilio code, SMTP reply, `ECONNREFUSED`). */
  code?: string | number;
  /** The HTTP status an API answered. */
  status?: number;
  /** Whether trying again can help (our own errors say). */
  retryable?: boolean;
  /** Only for errors we did not expect (a bug's stack is worth its bytes; a channel's refusal's is not). */
  stack?: string;
  cause?: LoggedError;
}

/**
 * Writes an error as its class, message and codes, nothing else: an error object can carry the
 * request that failed, a payload with a customer's words, or a driver's connection details.
 */
export function serializeError(value: unknown, depth = 0): LoggedError {
  if (typeof value === "string") return { message: value };
  if (!(value instanceof Error)) {
    if (value !== null && typeof value === "object") {
      const { type, message } = value as { type?: unknown; message?: unknown };
      return {
        ...(typeof type === "string" ? { type } : {}),
        message: typeof message === "string" ? message : "",
      };
    }
    return { message: String(value) };
  }
  const { code, status, retryable } = value as { code?: unknown; status?: unknown; retryable?: unknown };
  const out: LoggedError = { type: value.name, message: value.message };
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (typeof status === "number") out.status = status;
  if (typeof retryable === "boolean") out.retryable = retryable;
  if (!(value instanceof SwitchboardError) && value.stack) out.stack = value.stack;
  if (value.cause !== undefined && depth < 2) out.cause = serializeError(value.cause, depth + 1);
  return out;
}

/** Creates the process logger. */
export function createLogger(options: { level: string; name: string }, destination?: DestinationStream): Logger {
  const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`]);
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths, censor: "[redacted]" },
      base: { gateway: options.name },
      serializers: { err: serializeError },
    },
    destination,
  );
}
