/**
 * @module channel/classify-failure — a failed channel API call as a Switchboard error that says whether a retry can help.
 */
import { ChannelNetworkError, ChannelRefusedError } from "@switchboard/core";

/** The longest wait a `Retry-After` may ask for; longer ones are capped. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** `Retry-After` in seconds or as an HTTP date, in milliseconds (capped to an hour); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value?.trim()) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * An answer that was not a success: 429, 408 and 5xx are transient (retried, after `Retry-After`
 * when the channel gave one); every other status is permanent (the message fails at once with the
 * channel's reason). `error` is the channel's own message from the body, when it gave one.
 */
export function classifyFailure(
  status: number,
  error: string | undefined,
  retryAfter: string | null | undefined,
): ChannelRefusedError {
  const transient = status === 429 || status === 408 || status >= 500;
  const what = error ? `${status}: ${error}` : `${status}`;
  return new ChannelRefusedError(`Echo: the API answered ${what}`, {
    permanent: !transient,
    code: status,
    retryAfterMs: transient ? parseRetryAfter(retryAfter) : undefined,
  });
}

/** A request that got no answer at all (refused, reset, DNS, deadline): retried with backoff. */
export function networkFailure(cause: unknown): ChannelNetworkError {
  const e = cause as { code?: unknown; message?: unknown } | undefined;
  const why = typeof e?.code === "string" ? e.code : typeof e?.message === "string" ? e.message : "no answer";
  // The cause is not attached: it may carry the request and its Authorization header.
  return new ChannelNetworkError(`Echo: the API did not answer: ${why}`);
}
