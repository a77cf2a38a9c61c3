/**
 * @module twilio/http-client — the twilio library's HTTP client, pointed at TWILIO_API_BASE_URL and
 * turning every failure into a Switchboard error (with Retry-After, which the library drops).
 */
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

/** A RequestClient sending to a fixed base; library auto-retry is off (the send queue retries). */
export class BaseUrlRequestClient extends BaseClient {
  constructor(
    private readonly apiBaseUrl: string,
    timeoutMs = 15_000,
  ) {
    super({ timeout: timeoutMs, autoRetry: false, keepAlive: true });
  }

  /** Sends a request; resolves only with a 2xx/3xx answer, else throws a classified error. */
  override async request<T>(opts: RequestOptions): Promise<RequestResult & { body: T }> {
    let response: RequestResult;
    try {
      response = await super.request({ ...opts, uri: rewriteToBase(opts.uri, this.apiBaseUrl), logLevel: undefined });
    } catch (error) {
      throw networkFailure(error);
    }
    if (response.statusCode >= 400) {
      const retryAfter = (response.headers as Record<string, string | undefined> | undefined)?.["retry-after"];
      throw classifyTwilioFailure(readTwilioFailure(response.statusCode, response.body, retryAfter));
    }
    return response as RequestResult & { body: T };
  }
}
