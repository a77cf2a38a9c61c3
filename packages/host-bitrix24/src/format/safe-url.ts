/**
 * @module format/safe-url — which link targets we turn into links.
 */

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);

/** The URL as a link target when it is absolute and of a scheme that cannot run code; otherwise undefined. */
export function safeHref(raw: string): string | undefined {
  const candidate = raw.trim().replace(/^["']|["']$/g, "");
  if (candidate === "" || /[\s<>"]/.test(candidate)) return undefined;
  try {
    const url = new URL(candidate);
    return SAFE_SCHEMES.has(url.protocol) ? candidate : undefined;
  } catch {
    return undefined;
  }
}
