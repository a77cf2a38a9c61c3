/**
 * @module net/guarded-fetch — a `fetch` for libraries that take one (grammY) and for streaming a
 * peer's file on to the CRM: the same guarded request (address policy on every hop, pinned
 * connection, total deadline) behind the WHATWG `fetch` shape.
 */
import { Readable } from "node:stream";
import { guardedRequest, type RequestBody } from "./guarded-request.js";

/** Settings of a guarded `fetch` function. */
export interface GuardedFetchOptions {
  /** Total deadline of each call, body included. */
  deadlineMs: number;
  /** For error messages: "Telegram Bot API", "Twilio media". */
  what: string;
  /** Loopback and private networks may be reached (default: the process's outbound policy). */
  allowPrivate?: boolean;
  /** Redirects followed for GET and HEAD (default 0). */
  maxRedirects?: number;
  keepAlive?: boolean;
}

/** The part of `RequestInit` a guarded fetch understands. */
export interface GuardedFetchInit {
  method?: string;
  headers?: Record<string, string> | Headers | [string, string][];
  body?: RequestBody | null;
  signal?: AbortSignal | null;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Builds a `fetch` whose calls all go through the guarded request. Failures reject with core's
 * `FetchError` (retryable for network failures and the deadline); any HTTP status resolves.
 */
export function createGuardedFetch(options: GuardedFetchOptions) {
  return async (input: string | URL, init: GuardedFetchInit = {}): Promise<Response> => {
    const res = await guardedRequest(input, {
      method: init.method ?? "GET",
      headers: plainHeaders(init.headers),
      ...(init.body != null ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      deadlineMs: options.deadlineMs,
      what: options.what,
      maxRedirects: options.maxRedirects ?? 0,
      keepAlive: options.keepAlive ?? false,
      ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
      else if (value !== undefined) headers.set(name, value);
    }
    const body = NULL_BODY_STATUSES.has(res.status)
      ? (res.body.resume(), null)
      : (Readable.toWeb(res.body) as ReadableStream<Uint8Array>);
    return new Response(body, { status: res.status, headers });
  };
}

function plainHeaders(headers: GuardedFetchInit["headers"]): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(headers);
  return headers;
}
