/**
 * @module opt-out/keywords — the words that opt a number out of, or back into, a sender's messages.
 * @see https://help.twilio.com/articles/223134027
 */

/** Opt-out keywords (Twilio's default set, which it also enforces on long codes). */
export const OPT_OUT_KEYWORDS = [
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "REVOKE",
  "OPTOUT",
] as const;
/** Opt-in keywords. */
export const OPT_IN_KEYWORDS = ["START", "YES", "UNSTOP"] as const;

/** What an inbound message asks for. */
export type OptChange = { action: "opt-out" | "opt-in"; keyword: string };

/**
 * The opt change a message asks for: the whole body, trimmed and in any case, must be a keyword.
 * Twilio's Advanced Opt-Out sends `OptOutType` (STOP/START/HELP), which wins when present.
 */
export function optChangeOf(body: string, optOutType?: string): OptChange | undefined {
  const type = optOutType?.trim().toUpperCase();
  if (type === "STOP") return { action: "opt-out", keyword: body.trim().toUpperCase() || type };
  if (type === "START") return { action: "opt-in", keyword: body.trim().toUpperCase() || type };
  const word = body.trim().toUpperCase();
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return { action: "opt-out", keyword: word };
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return { action: "opt-in", keyword: word };
  return undefined;
}
