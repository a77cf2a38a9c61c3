/**
 * @module settings/form-token — the hidden token the settings page posts back, so a save is only
 * accepted from a page we served for that very line (a cross-site POST has no token, and a token
 * from another line or portal opens nothing). It is the payload sealed with core's SecretBox
 * (AES-256-GCM, so it is authenticated: changing one byte makes it unreadable), short-lived, and
 * bound to the tenant and the portal. The placement POST that served the page was checked against
 * the portal's application token; the save POST carries only this token.
 */
import { isSealed, SecretUnreadableError } from "@switchboard/core/internal";
import type { SecretBox } from "@switchboard/core";

/** How long a served page can be saved (an admin may keep the slider open a while). */
export const FORM_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;

/** Who a form token was given to. */
export interface FormTokenSubject {
  tenantId: number;
  memberId: string;
  line: number;
}

const PURPOSE = "bitrix24-settings";

/** A fresh token for the page of one line. */
export function issueFormToken(box: SecretBox, subject: FormTokenSubject, now = Date.now()): string {
  return box.seal(
    JSON.stringify({
      p: PURPOSE,
      t: subject.tenantId,
      m: subject.memberId,
      l: subject.line,
      e: now + FORM_TOKEN_TTL_MS,
    }),
  );
}

/**
 * The subject of a valid, unexpired token, or `expired`, or undefined for anything else (missing,
 * forged, sealed for another purpose). Never throws.
 */
export function readFormToken(
  box: SecretBox,
  token: string | undefined,
  now = Date.now(),
): FormTokenSubject | "expired" | undefined {
  // SecretBox.open passes an unsealed value through (data from before encryption): refuse those first.
  if (typeof token !== "string" || token.length > 2000 || !isSealed(token)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(box.open(token));
  } catch (error) {
    if (error instanceof SecretUnreadableError || error instanceof SyntaxError) return undefined;
    throw error;
  }
  if (payload === null || typeof payload !== "object") return undefined;
  const { p, t, m, l, e } = payload as Record<string, unknown>;
  if (p !== PURPOSE || !Number.isSafeInteger(t) || typeof m !== "string" || !Number.isSafeInteger(l)) return undefined;
  if (typeof e !== "number" || e <= now) return "expired";
  return { tenantId: t as number, memberId: m, line: l as number };
}
