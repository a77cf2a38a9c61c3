/**
 * @module fake-bitrix24/file-fetch — what Bitrix24 does with `files[].url` of an incoming message:
 * download it (redirects followed) and keep it, here only to record whether it was reachable.
 */
import type { ReceivedFile } from "./portal-state.js";

/** How long one download may take before it counts as unreachable. */
export const FILE_FETCH_TIMEOUT_MS = 15_000;

/** Downloads `url` and reports the outcome; never throws. */
export async function fetchFile(url: string, name: string | undefined): Promise<ReceivedFile> {
  const base = { url, ...(name !== undefined ? { name } : {}) };
  try {
    const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(FILE_FETCH_TIMEOUT_MS) });
    const bytes = new Uint8Array(await res.arrayBuffer()).length;
    return { ...base, status: res.status, reachable: res.ok, bytes, contentType: res.headers.get("content-type") };
  } catch (error) {
    const message =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    return { ...base, status: 0, reachable: false, bytes: 0, contentType: null, error: message };
  }
}
