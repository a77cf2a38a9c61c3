/**
 * @module files/media — a customer's file, streamed from the channel to whoever holds our signed link
 * (the CRM), with the tenant's API key.
 */
import { createGuardedFetch, declaredLength, FetchError, HttpError, type FileResolver } from "@switchboard/core";
import { apiBase, type EchoSettings } from "../settings/form.js";

/** The kind of signed link customers' files get (`runtime.files.link(tenant, MEDIA_FILES, url)`). */
export const MEDIA_FILES = "media";

/**
 * The `media` resolver: `key` is the file's URL on the channel, which must be on the origin of the
 * tenant's API URL, so the tenant's key is never sent anywhere else (the link's signature already
 * proves we made it; this also holds after the tenant changes its API URL).
 */
export function createMediaResolver({ deadlineMs }: { deadlineMs: number }): FileResolver<EchoSettings> {
  const fetchFile = createGuardedFetch({ deadlineMs, what: "Echo file", maxRedirects: 3 });
  return async (tenant, key) => {
    const account = tenant.settings.channel;
    if (!account || !sameOrigin(key, apiBase(account))) throw new HttpError(404, "File not found");
    const res = await fetchFile(key, { headers: { authorization: `Bearer ${account.apiKey}` } }).catch(
      (error: unknown) => {
        if (error instanceof FetchError) throw error;
        throw new FetchError(`Echo: the file download failed: ${(error as Error).name}`, { retryable: true });
      },
    );
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new FetchError(`Echo: the channel answered ${res.status} for a file`, {
        retryable: res.status === 429 || res.status >= 500,
        status: res.status,
      });
    }
    // A chunked answer has no Content-Length: the size stays unknown, never 0.
    const size = declaredLength(res.headers.get("content-length"));
    return {
      body: res.body,
      contentType: res.headers.get("content-type") ?? undefined,
      ...(size !== undefined ? { size } : {}),
    };
  };
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
