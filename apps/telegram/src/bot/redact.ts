/**
 * @module bot/redact — keeps bot tokens out of anything we log, store or show.
 */

/** Replaces every occurrence of the token (and its secret half) with `<bot-token>`. */
export function redactToken(text: string, token: string | undefined): string {
  if (!token) return text;
  const secretHalf = token.slice(token.indexOf(":") + 1);
  let out = text.split(token).join("<bot-token>");
  if (secretHalf.length >= 8) out = out.split(secretHalf).join("<bot-token>");
  return out;
}

/** The bot's numeric id: the part of the token before the colon (public, safe to log). */
export function botIdOf(token: string): string {
  return /^(\d+):/.exec(token)?.[1] ?? "unknown";
}
