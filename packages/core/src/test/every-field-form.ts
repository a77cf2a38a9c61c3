/**
 * A settings form with every field type the page draws, and settings for it as `checkSettings` saves them.
 */
import { defineSettingsForm, type SettingsData } from "../settings/form.js";

/** Every field type: one-line and multi-line strings, passwords, boolean, numbers, markdown, lists, a preview. */
export const everyFieldForm = defineSettingsForm({
  title: { en_US: "Everything", ru_RU: "Всё сразу" },
  description: { en_US: "Every kind of field.", ru_RU: "Поля всех видов." },
  button: { en_US: "Connect", ru_RU: "Подключить" },
  groups: {
    account: {
      title: { en_US: "Account", ru_RU: "Аккаунт" },
      description: { en_US: "Where we send from.", ru_RU: "Откуда отправляем." },
      fields: {
        name: { type: "string", title: { en_US: "Name", ru_RU: "Имя" }, required: true },
        notes: {
          type: "string",
          multiline: true,
          title: { en_US: "Notes", ru_RU: "Заметки" },
          description: { en_US: "Anything.", ru_RU: "Что угодно." },
        },
        apiKey: { type: "password", title: { en_US: "API key", ru_RU: "Ключ API" }, required: true },
        spare: { type: "password", title: { en_US: "Spare key", ru_RU: "Запасной ключ" } },
        enabled: { type: "boolean", title: { en_US: "Enabled", ru_RU: "Включено" }, default: true },
        retries: { type: "integer", title: { en_US: "Retries", ru_RU: "Повторы" }, default: 3 },
        ratio: { type: "float", title: { en_US: "Ratio", ru_RU: "Доля" } },
        signature: { type: "markdown", title: { en_US: "Signature", ru_RU: "Подпись" } },
      },
    },
    routing: {
      title: { en_US: "Routing", ru_RU: "Маршрутизация" },
      fields: {
        channels: {
          type: "listOfEnum",
          title: { en_US: "Channels", ru_RU: "Каналы" },
          values: {
            sms: { title: "SMS", group: { en_US: "Phone", ru_RU: "Телефон" } },
            voice: { title: { en_US: "Voice", ru_RU: "Голос" }, group: { en_US: "Phone", ru_RU: "Телефон" } },
            mail: { title: { en_US: "Mail", ru_RU: "Почта" }, group: { en_US: "Internet", ru_RU: "Интернет" } },
            other: { title: { en_US: "Other", ru_RU: "Другое" } },
          },
        },
        tags: { type: "listOfEnum", title: { en_US: "Tags", ru_RU: "Метки" }, values: "tags" },
        loud: { type: "boolean", title: { en_US: "Loud", ru_RU: "Громко" } },
        setup: { type: "markdownPreview", title: { en_US: "Setup", ru_RU: "Настройка" }, previewer: "setup" },
      },
    },
  },
});

/** Saved settings for {@link everyFieldForm}: strings trimmed, numbers as numbers, as `checkSettings` keeps them. */
export const everyFieldData: SettingsData = {
  account: {
    name: "Shop & Co <main>",
    notes: 'first line\nsecond "line"\n\nafter a blank one',
    apiKey: "key-4f&<9>\"'x",
    spare: null,
    enabled: true,
    retries: 5,
    ratio: 0.25,
    signature: "**Best**, _the team_\n\n- one\n- two",
  },
  routing: {
    channels: ["voice", "other"],
    tags: ["vip", "новый клиент"],
    loud: false,
  },
};
