/**
 * @module twilio/http-client — the twilio library's HTTP client, pointed at TWILIO_API_BASE_URL,
 * sending through core's guarded request (address policy, total deadline) instead of the library's
 * axios (whose timeout only counts idle time), and turning every failure into a Switchboard error
 * (with Retry-After, which the library drops).
 */
import { FetchError, guardedRequest, readAll, type GuardedResponse } from "@switchboard/core";
import twilio from "twilio";
import { classifyTwilioFailure, networkFailure, readTwilioFailure } from "../send/classify-error.js";

/** Twilio's own API origin: with it, the library's per-product hosts are kept as they are. */
export const DEFAULT_API_BASE_URL = "https://api.twilio.com";

const BaseClient = twilio.RequestClient;
type RequestOptions = Parameters<InstanceType<typeof BaseClient>["request"]>[0];
type RequestResult = Awaited<ReturnType<InstanceType<typeof BaseClient>["request"]>>;

/**
 * Rewrites a library URL to the configured base: with the default base nothing changes (Twilio's
 * messaging.twilio.com etc. stay); with any other base every product's path goes to that base.
 */
export function rewriteToBase(uri: string, apiBaseUrl: string): string {
  const base = new URL(apiBaseUrl);
  if (base.origin === DEFAULT_API_BASE_URL && base.pathname === "/") return uri;
  const target = new URL(uri);
  return apiBaseUrl.replace(/\/+$/, "") + target.pathname + target.search;
}

/** Largest Twilio answer read; API answers are a few KB. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** A RequestClient sending to a fixed base; library auto-retry is off (the send queue retries). */
export class BaseUrlRequestClient extends BaseClient {
  constructor(
    private readonly apiBaseUrl: string,
    /** Total deadline of one API call, answer included. */
    private readonly deadlineMs = 15_000,
  ) {
    super({ timeout: deadlineMs, autoRetry: false, keepAlive: true });
  }

  /** Sends a request; resolves only with a 2xx/3xx answer, else throws a classified error. */
  override async request<T>(opts: RequestOptions): Promise<RequestResult & { body: T }> {
    const url = new URL(rewriteToBase(opts.uri, this.apiBaseUrl));
    for (const [name, value] of formEntries(opts.params)) url.searchParams.append(name, value);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      if (typeof value === "string") headers[name] = value;
    }
    if (opts.username && opts.password) {
      headers.Authorization = "Basic " + Buffer.from(`${opts.username}:${opts.password}`).toString("base64");
    }
    const type = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "";
    const body =
      opts.data === undefined || opts.data === null
        ? undefined
        : type.startsWith("application/json")
          ? JSON.stringify(opts.data)
          : new URLSearchParams(formEntries(opts.data)).toString();
    let response: GuardedResponse;
    let text: string;
    try {
      response = await guardedRequest(url, {
        method: opts.method.toUpperCase(),
        headers,
        ...(body !== undefined ? { body } : {}),
        deadlineMs: this.deadlineMs,
        maxRedirects: opts.allowRedirects ? 10 : 0,
        keepAlive: true,
        what: "Twilio API call",
      });
      text = (await readAll(response, MAX_ANSWER_BYTES, "Twilio's answer")).toString("utf8");
    } catch (error) {
      // A base URL the address policy refuses is the operator's to fix; retrying cannot help.
      if (error instanceof FetchError && !error.retryable) throw error;
      throw networkFailure(error);
    }
    if (response.status >= 400) {
      const retryAfter = response.headers["retry-after"];
      throw classifyTwilioFailure(readTwilioFailure(response.status, text, retryAfter));
    }
    return { statusCode: response.status, body: text, headers: response.headers } as unknown as RequestResult & {
      body: T;
    };
  }
}

/** Form fields as Twilio's library sends them: arrays repeat their name (`MediaUrl=a&MediaUrl=b`). */
function formEntries(data: unknown): [string, string][] {
  if (!data || typeof data !== "object") return [];
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      out.push([name, item instanceof Date ? item.toISOString() : String(item)]);
    }
  }
  return out;
}
