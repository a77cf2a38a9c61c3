/**
 * @module webhooks/same-secret — the constant-time check of a webhook's shared secret header.
 */
import { timingSafeEqual } from "node:crypto";

/**
 * True when `given` is exactly `expected`, compared in constant time (a timing difference would let
 * a caller guess the secret byte by byte). A missing or empty `expected` matches nothing.
 */
export function sameSecret(given: string | null | undefined, expected: string | undefined): boolean {
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(expected ?? "");
  return b.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}
