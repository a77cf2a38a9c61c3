/**
 * @module send/media-size — the size of an image at a CRM URI, from a HEAD request through core's
 * guarded request (address policy on the resolved address and on every redirect hop, total deadline).
 */
import { safeHead, type Resolver } from "@switchboard/core";

/**
 * Content-Length of `uri` from a short HEAD request, or undefined when it cannot be learned (no
 * header, error, deadline, or an address the policy refuses). Nothing is downloaded.
 */
export async function headContentLength(
  uri: string,
  options: { allowPrivate: boolean; timeoutMs?: number; resolve?: Resolver },
): Promise<number | undefined> {
  try {
    const { size } = await safeHead(uri, {
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs ?? 5000,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    return size;
  } catch {
    return undefined;
  }
}
