/**
 * @module i18n — translatable texts and the protocol's Accept-Language rule (§2 Language).
 */

/** Languages every gateway answers in; the first is the default. */
export const LANGUAGES = ["en_US", "ru_RU"] as const;
/** A language code in `xx_YY` form. */
export type Language = (typeof LANGUAGES)[number];
/** The language used when a request names none we have. */
export const DEFAULT_LANGUAGE: Language = "en_US";

/** A text in one language, or the same text in several (`en_US` required). */
export type Text = string | ({ en_US: string } & Partial<Record<Language, string>>);

/** Picks the text for a language, falling back to English. */
export function translate(text: Text, language: Language): string {
  if (typeof text === "string") return text;
  return text[language] ?? text.en_US;
}

/** Like {@link translate} but keeps null/undefined as null (the form JSON has `description: null`). */
export function translateOptional(text: Text | undefined | null, language: Language): string | null {
  return text == null ? null : translate(text, language);
}

/**
 * Only the first `xx_YY` token of Accept-Language counts: if it is not one of ours the default is
 * used even when a later token is (the PHP framework's behaviour, which the CRM relies on).
 */
export function negotiateLanguage(header: string | undefined | null): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const first = header.replaceAll("-", "_").match(/[a-z]{2}_[A-Z]{2}/)?.[0];
  return (LANGUAGES as readonly string[]).includes(first ?? "") ? (first as Language) : DEFAULT_LANGUAGE;
}
