/**
 * @module settings/redact-passwords — the last guard before a preview leaves the gateway: no
 * stored password of the tenant appears in it, whatever the gateway's renderer wrote.
 */
import type { Logger } from "pino";
import { ownEntry } from "../util/own-entry.js";
import { passwordFields, type SettingsData, type SettingsForm } from "./form.js";

/** Mask put where a password stood. */
export const REDACTED = "[hidden]";

// Shorter values are no real credential, and masking them would mangle ordinary words.
const MIN_SECRET_LENGTH = 4;

/** `text` with every stored password of `settings` replaced by {@link REDACTED}. */
export function withoutPasswords(text: string, form: SettingsForm, settings: SettingsData, logger?: Logger): string {
  let out = text;
  for (const [group, field] of passwordFields(form)) {
    const value = ownEntry(ownEntry(settings, group), field);
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || !out.includes(value)) continue;
    out = out.replaceAll(value, REDACTED);
    logger?.warn(
      { event: "settings.password_hidden", field: `${group}.${field}` },
      "a preview contained a stored password; it was hidden",
    );
  }
  return out;
}
