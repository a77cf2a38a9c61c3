/**
 * @module logger — structured JSON logs (pino) with secrets redacted wherever they appear.
 */
import { pino, type DestinationStream, type Logger } from "pino";

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
];

/** Creates the process logger. */
export function createLogger(options: { level: string; name: string }, destination?: DestinationStream): Logger {
  const paths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`]);
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths, censor: "[redacted]" },
      base: { gateway: options.name },
    },
    destination,
  );
}
