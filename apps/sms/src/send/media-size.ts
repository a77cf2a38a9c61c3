/**
 * @module send/media-size — the size of an image at a CRM URI, from a HEAD request.
 */
import { isIP } from "node:net";
import { declaredLength, isPrivateAddress } from "@switchboard/core";

/**
 * Content-Length of `uri` from a short HEAD request, or undefined when it cannot be learned (no
 * header, error, timeout, or a private address while those are not allowed). Nothing is downloaded.
 */
export async function headContentLength(
  uri: string,
  options: { allowPrivate: boolean; timeoutMs?: number },
): Promise<number | undefined> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!options.allowPrivate && (host === "localhost" || (isIP(host) && isPrivateAddress(host)))) return undefined;
  try {
    const res = await fetch(url, {
      method: "HEAD",
      redirect: "follow",
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    return res.ok ? declaredLength(res.headers.get("content-length")) : undefined;
  } catch {
    return undefined;
  }
}
