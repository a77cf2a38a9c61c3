/**
 * @module send/classify-error — a Twilio API failure as a Switchboard error that says whether to retry.
 * @see https://www.twilio.com/docs/api/errors
 */
import { ChannelNetworkError, ChannelRefusedError } from "@switchboard/core";

/** Twilio error codes that never succeed on retry, with what they mean for a manager. */
export const PERMANENT_CODES: Readonly<Record<number, string>> = {
  20003: "the Account SID / Auth Token were rejected: check the SMS settings",
  21211: "the recipient's phone number is not valid",
  21408: "sending to this region is not enabled in the Twilio account (Messaging Geo Permissions)",
  21610: "the recipient has opted out (replied STOP); they must text START to receive messages again",
  21614: "the recipient's number is not a mobile number that can receive SMS",
};

/** A Twilio answer that was not a success. */
export interface TwilioFailure {
  /** HTTP status. */
  status: number;
  /** Twilio's error code from the body, when there was one. */
  code?: number;
  /** Twilio's own message. */
  message?: string;
  /** From `Retry-After`. */
  retryAfterMs?: number;
}

/**
 * Known permanent codes, and any other 4xx, are permanent; 429 (honouring Retry-After), 408 and
 * 5xx are transient, so the send queue retries them.
 */
export function classifyTwilioFailure(failure: TwilioFailure): ChannelRefusedError {
  const { status, code, retryAfterMs } = failure;
  const known = code !== undefined ? PERMANENT_CODES[code] : undefined;
  const transient = !known && (status === 429 || status === 408 || status >= 500 || code === 20429);
  const what = [code !== undefined ? `error ${code}` : `HTTP ${status}`, failure.message, known]
    .filter(Boolean)
    .join(": ");
  return new ChannelRefusedError(`Twilio: ${what}`, {
    permanent: !transient,
    code: code ?? status,
    retryAfterMs: transient ? retryAfterMs : undefined,
  });
}

/** Reads a Twilio error answer (JSON body or not) into a {@link TwilioFailure}. */
export function readTwilioFailure(status: number, body: unknown, retryAfter: string | undefined): TwilioFailure {
  const json = typeof body === "string" ? safeJson(body) : body;
  const record = json && typeof json === "object" ? (json as Record<string, unknown>) : {};
  const code = Number(record.code);
  const message = typeof record.message === "string" ? record.message : undefined;
  return {
    status,
    code: Number.isInteger(code) && code > 0 ? code : undefined,
    message,
    retryAfterMs: parseRetryAfter(retryAfter),
  };
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds (capped to an hour). */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 3_600_000) : undefined;
}

/** A request that got no answer at all (refused, reset, DNS, timeout). */
export function networkFailure(error: unknown): ChannelNetworkError {
  const e = error as { code?: unknown; message?: unknown };
  const why = typeof e?.code === "string" ? e.code : typeof e?.message === "string" ? e.message : "no answer";
  // The original error is not attached: HTTP client errors carry request headers (basic auth).
  return new ChannelNetworkError(`Twilio: did not answer: ${why}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
