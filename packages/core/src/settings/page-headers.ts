/**
 * @module settings/page-headers — the response headers the settings page is served with.
 */
import { InvalidInputError } from "../errors.js";

/**
 * Headers for {@link renderSettingsPage}'s answer: a policy that allows nothing but the page's own
 * inline style and posting back to our origin, framing only by `frameAncestors` (origins such as
 * `https://example.bitrix24.com`; none = no framing), no sniffing, no caching, no referrer.
 */
export function settingsPageHeaders(options: { frameAncestors?: readonly string[] } = {}): Record<string, string> {
  const ancestors = (options.frameAncestors ?? []).map(originOf);
  const policy = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors.length ? [...new Set(ancestors)].join(" ") : "'none'"}`,
  ].join("; ");
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": policy,
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
  };
}

// Only a bare http(s) origin goes into the policy: anything else could add directives to it.
function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(`settings page: frame ancestor ${JSON.stringify(value)} is not a URL`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin === "null") {
    throw new InvalidInputError(`settings page: frame ancestor ${JSON.stringify(value)} is not an http(s) origin`);
  }
  return url.origin;
}
