/**
 * @module messages/person-name — a customer's display name as `imconnector.send.messages`
 * `user.name` / `user.last_name`. The reference (bitrix24-openlines.md §3) gives the rule Bitrix
 * applies to these: letters, spaces, `-` and `'` only, at most 25 characters [not in the public
 * REST docs; the fake portal enforces it]. A channel name like "🦄 Jane_Doe (@jane)" does not fit,
 * so the name is reduced to what fits and the whole original goes into `chat.name`, where
 * nothing is filtered (see send-messages.ts): the operator still sees every character.
 */

/** The longest `user.name` / `user.last_name` Bitrix takes. */
export const NAME_LIMIT = 25;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Keeps letters (with their combining marks), spaces, `-` and `'`; at most {@link NAME_LIMIT} characters, never half a letter. */
export function nameForBitrix(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const kept = raw
    .normalize("NFC")
    .replace(/[’`´]/g, "'")
    .replace(/[^\p{L}\p{M}\s'-]/gu, " ")
    .replace(/\s+/g, " ")
    .replace(/^[\s'-]+|[\s'-]+$/g, "");
  if (!/\p{L}/u.test(kept)) return undefined;
  let out = "";
  for (const { segment } of segmenter.segment(kept)) {
    if (out.length + segment.length > NAME_LIMIT) break;
    out += segment;
  }
  return out.replace(/[\s'-]+$/, "") || undefined;
}

/** A customer's name split for Bitrix, and whether anything of it had to go. */
export interface BitrixPersonName {
  name: string | undefined;
  lastName: string | undefined;
  /** True when `name`/`lastName` do not show the whole original (the original then goes into `chat.name`). */
  shortened: boolean;
}

/** Fits a first and last name (or one display name, which Bitrix itself splits at the space) to Bitrix's rule. */
export function personName(first: string | undefined, last?: string): BitrixPersonName {
  const name = nameForBitrix(first);
  const lastName = nameForBitrix(last);
  const norm = (s: string | undefined) => (s ?? "").normalize("NFC").replace(/\s+/g, " ").trim();
  const shortened = norm(first) !== (name ?? "") || norm(last) !== (lastName ?? "");
  return { name, lastName, shortened };
}
