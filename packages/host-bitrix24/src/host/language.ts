/**
 * @module host/language — Bitrix24's language ids (`ru`, `en`, `de`, … in `LANG` and
 * `data[LANGUAGE_ID]`) to the languages core translates.
 */
import type { Language } from "@switchboard/core";

/** `ru` → ru_RU; every other language en_US (core translates these two). */
export function languageOf(bitrixLanguage: string | undefined | null): Language {
  const id = (bitrixLanguage ?? "").toLowerCase().slice(0, 2);
  return id === "ru" ? "ru_RU" : "en_US";
}
