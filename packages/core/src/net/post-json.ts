/**
 * @module net/post-json — a JSON request over kept-alive connections, answering only the status.
 * The CRM outbox sends thousands of these; node:http with a keep-alive agent costs a fraction of
 * fetch's per-request Request/AbortSignal machinery. It goes through the guarded request like every
 * other outbound call: the CRM's cluster URI comes from a registration token, and a gateway must
 * not be steered into its own network by one.
 */
import { finished } from "node:stream/promises";
import { guardedRequest } from "./guarded-request.js";

/**
 * Sends `body` as JSON with `method` to `url`; resolves with the HTTP status, rejects on network
 * errors, refused addresses and when the whole exchange takes longer than `timeoutMs`.
 */
export async function sendJson(
  url: string,
  method: string,
  body: string,
  options: { headers?: Record<string, string>; timeoutMs: number; allowPrivate?: boolean },
): Promise<number> {
  const res = await guardedRequest(url, {
    method,
    body,
    headers: { "content-type": "application/json", ...options.headers },
    deadlineMs: options.timeoutMs,
    keepAlive: true,
    what: "CRM request",
    ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
  });
  res.body.resume();
  await finished(res.body);
  return res.status;
}
