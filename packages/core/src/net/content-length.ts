/**
 * @module net/content-length — reads a `Content-Length` header without inventing one: a missing
 * header (a chunked answer) must never become 0, which would serve an empty file.
 */

/** The length a `Content-Length` value declares, or undefined when absent or not a plain byte count. */
export function declaredLength(value: string | readonly string[] | null | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) return undefined;
  const length = Number(trimmed);
  return Number.isSafeInteger(length) ? length : undefined;
}
