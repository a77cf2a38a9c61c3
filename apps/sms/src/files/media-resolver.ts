/**
 * @module files/media-resolver — streams an inbound MMS media item from Twilio to whoever holds its
 * signed link (the CRM), with the account's credentials.
 */
import { declaredLength, FetchError, HttpError, type FileResolver } from "@switchboard/core";
import { readSettings } from "../settings/form.js";

const KEY = /^(AC[0-9a-fA-F]{32})\/([A-Z]{2}[0-9a-fA-F]{32})\/(ME[0-9a-fA-F]{32})$/;

/** Options of the resolver: how long to wait between tries when Twilio does not have the media yet. */
export interface MediaResolverOptions {
  apiBaseUrl: string;
  /** Delays before each retry of a 404 (media can lag the webhook). Default 0.5 s, 1 s, 2 s. */
  retryDelaysMs?: number[];
  /** Time to get the answer's headers, per try. Default 20 s. */
  timeoutMs?: number;
}

/** The `media` file resolver: `key` is `<AccountSid>/<MessageSid>/<MediaSid>`. */
export function createMediaResolver(options: MediaResolverOptions): FileResolver {
  const delays = options.retryDelaysMs ?? [500, 1000, 2000];
  const base = options.apiBaseUrl.replace(/\/+$/, "");
  return async (tenant, key) => {
    const match = key.match(KEY);
    const settings = readSettings(tenant.settings);
    // Only the account whose credentials we hold; the key came from a link we signed.
    if (!match || !settings || settings.accountSid !== match[1]) throw new HttpError(404, "Media not found");
    const [, accountSid, messageSid, mediaSid] = match;
    const url = `${base}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
    const authorization = "Basic " + Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString("base64");
    for (let attempt = 0; ; attempt++) {
      const res = await fetchHeaders(url, authorization, options.timeoutMs ?? 20_000);
      if (res.ok && res.body) {
        // A chunked answer has no Content-Length: the size stays unknown, never 0.
        const size = declaredLength(res.headers.get("content-length"));
        return {
          body: res.body,
          contentType: res.headers.get("content-type") ?? undefined,
          ...(size !== undefined ? { size } : {}),
        };
      }
      await res.body?.cancel();
      if (res.status === 404 && attempt < delays.length) {
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
        continue;
      }
      throw new FetchError(`[sms] Twilio answered ${res.status} for media ${mediaSid}`, {
        retryable: res.status === 404 || res.status === 429 || res.status >= 500,
        status: res.status,
      });
    }
  };
}

/** Fetches with a deadline on the answer's headers only, so a large body may stream for longer. */
async function fetchHeaders(url: string, authorization: string, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // Twilio redirects media to its CDN; fetch drops Authorization on a cross-origin redirect.
    return await fetch(url, {
      headers: { Authorization: authorization },
      redirect: "follow",
      signal: controller.signal,
    });
  } catch (error) {
    throw new FetchError(`[sms] Twilio media download failed: ${(error as Error).name}`, { retryable: true });
  } finally {
    clearTimeout(timer);
  }
}
