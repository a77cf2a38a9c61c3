/**
 * @module files/media-resolver — streams an inbound MMS media item from Twilio to whoever holds its
 * signed link (the CRM), with the account's credentials.
 */
import { createGuardedFetch, declaredLength, FetchError, HttpError, type FileResolver } from "@switchboard/core";
import type { SmsSettings } from "../settings/form.js";

const KEY = /^(AC[0-9a-fA-F]{32})\/([A-Z]{2}[0-9a-fA-F]{32})\/(ME[0-9a-fA-F]{32})$/;

/** Options of the resolver: how long to wait between tries when Twilio does not have the media yet. */
export interface MediaResolverOptions {
  apiBaseUrl: string;
  /** Delays before each retry of a 404 (media can lag the webhook). Default 0.5 s, 1 s, 2 s. */
  retryDelaysMs?: number[];
  /** Total deadline of one try, body included, as the CRM reads it (core's guarded request). Default 120 s. */
  timeoutMs?: number;
}

/** The `media` file resolver: `key` is `<AccountSid>/<MessageSid>/<MediaSid>`. */
export function createMediaResolver(options: MediaResolverOptions): FileResolver<SmsSettings> {
  const delays = options.retryDelaysMs ?? [500, 1000, 2000];
  const base = options.apiBaseUrl.replace(/\/+$/, "");
  // Twilio redirects media to its CDN; each hop is checked again and Authorization is dropped on a
  // cross-origin hop, as fetch does.
  const fetchMedia = createGuardedFetch({
    deadlineMs: options.timeoutMs ?? 120_000,
    what: "Twilio media",
    maxRedirects: 5,
  });
  return async (tenant, key) => {
    const match = key.match(KEY);
    const account = tenant.settings.main;
    // Only the account whose credentials we hold; the key came from a link we signed.
    if (!match || !account || account.accountSid !== match[1]) throw new HttpError(404, "Media not found");
    const [, accountSid, messageSid, mediaSid] = match;
    const url = `${base}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
    const authorization = "Basic " + Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64");
    for (let attempt = 0; ; attempt++) {
      const res = await fetchMedia(url, { headers: { Authorization: authorization } }).catch((error: unknown) => {
        if (error instanceof FetchError) throw error;
        throw new FetchError(`Twilio: media download failed: ${(error as Error).name}`, { retryable: true });
      });
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
      throw new FetchError(`Twilio: answered ${res.status} for media ${mediaSid}`, {
        retryable: res.status === 404 || res.status === 429 || res.status >= 500,
        status: res.status,
      });
    }
  };
}
