/**
 * @module routes/settings-texts — what the connector's settings page says besides the form, in
 * both languages core has.
 */
import type { Text } from "@switchboard/core";

/** The status panel's labels and values, and the page's notices. */
export const SETTINGS_TEXTS = {
  active: { en_US: "Active on this Open Line", ru_RU: "Активен в этой открытой линии" },
  connected: { en_US: "Connected", ru_RU: "Подключён" },
  registered: { en_US: "Registered", ru_RU: "Зарегистрирован" },
  authorisation: { en_US: "Access to the portal", ru_RU: "Доступ к порталу" },
  lastError: { en_US: "Last error", ru_RU: "Последняя ошибка" },
  yes: { en_US: "yes", ru_RU: "да" },
  no: { en_US: "no", ru_RU: "нет" },
  none: { en_US: "none", ru_RU: "нет" },
  authorised: { en_US: "granted", ru_RU: "есть" },
  needsReauthorisation: {
    en_US: "needs re-authorisation: reinstall the app, or open this page as an administrator",
    ru_RU: "требуется повторная авторизация: переустановите приложение или откройте эту страницу как администратор",
  },
  reauthorised: {
    en_US: "Access to the portal was restored with your authorisation; waiting messages are being sent.",
    ru_RU: "Доступ к порталу восстановлен вашей авторизацией; ожидающие сообщения отправляются.",
  },
  saved: {
    en_US: "Settings saved; the channel is connected to this Open Line.",
    ru_RU: "Настройки сохранены; канал подключён к этой открытой линии.",
  },
  refused: {
    en_US: "The settings were not saved: see the marked fields.",
    ru_RU: "Настройки не сохранены: см. отмеченные поля.",
  },
  connectFailed: {
    en_US: "The settings were saved, but Bitrix24 did not connect the line: ",
    ru_RU: "Настройки сохранены, но Bitrix24 не подключил линию: ",
  },
} satisfies Record<string, Text>;

/** The translation of a text with something appended in every language. */
export function withDetail(text: { en_US: string; ru_RU: string }, detail: string): Text {
  return { en_US: text.en_US + detail, ru_RU: text.ru_RU + detail };
}
