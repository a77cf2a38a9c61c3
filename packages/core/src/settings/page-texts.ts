/**
 * @module settings/page-texts — the settings page's own words, in every language core answers in.
 */
import type { Text } from "../i18n.js";

/** Texts the settings page adds around the gateway's form. */
export const PAGE_TEXTS = {
  passwordSaved: {
    en_US: "Saved. Leave this empty to keep it.",
    ru_RU: "Сохранён. Оставьте поле пустым, чтобы не менять его.",
  },
  passwordNotSaved: { en_US: "Not set yet.", ru_RU: "Ещё не задан." },
  commaSeparated: { en_US: "Values separated by commas.", ru_RU: "Значения через запятую." },
  required: { en_US: "required", ru_RU: "обязательно" },
  notSaved: {
    en_US: "The settings were not saved. Check the fields marked below.",
    ru_RU: "Настройки не сохранены. Проверьте отмеченные поля.",
  },
  status: { en_US: "Status", ru_RU: "Состояние" },
  ok: { en_US: "OK", ru_RU: "В порядке" },
  problem: { en_US: "Needs attention", ru_RU: "Требует внимания" },
  noPreview: { en_US: "Not available yet.", ru_RU: "Пока недоступно." },
} satisfies Record<string, Text>;
