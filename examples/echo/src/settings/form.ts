/**
 * @module settings/form — the Echo settings form (group `channel`) and the settings type it gives.
 */
import { defineSettingsForm, type SettingsOf } from "@switchboard/core";

/** An absolute http(s) URL without credentials, query or fragment: where the channel's API lives. */
export function isApiUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password && !url.search;
  } catch {
    return false;
  }
}

/** The settings form: `tenant.settings.channel.apiUrl` and the rest are typed from it. */
export const settingsForm = defineSettingsForm({
  title: "Echo",
  description: {
    en_US: "The channel's API address, the key the gateway sends with, and the secret the channel signs webhooks with.",
    ru_RU: "Адрес API канала, ключ, с которым шлюз отправляет сообщения, и секрет, которым канал подписывает вебхуки.",
  },
  groups: {
    channel: {
      title: { en_US: "Channel account", ru_RU: "Аккаунт канала" },
      fields: {
        apiUrl: {
          type: "string",
          title: { en_US: "API URL", ru_RU: "Адрес API" },
          description: {
            en_US: "For example https://api.example.com/v1",
            ru_RU: "Например https://api.example.com/v1",
          },
          required: true,
          validate: (v) =>
            typeof v === "string" && !isApiUrl(v.trim())
              ? { en_US: "Enter an http(s) URL without a query", ru_RU: "Укажите http(s)-адрес без параметров запроса" }
              : undefined,
        },
        apiKey: { type: "password", title: { en_US: "API key", ru_RU: "Ключ API" }, required: true },
        signingSecret: {
          type: "password",
          title: { en_US: "Webhook signing secret", ru_RU: "Секрет подписи вебхуков" },
          description: {
            en_US: "The channel signs each webhook with it (HMAC-SHA256)",
            ru_RU: "Им канал подписывает каждый вебхук (HMAC-SHA256)",
          },
          required: true,
        },
      },
    },
  },
});

/** The Echo gateway's settings as a tenant has them. */
export type EchoSettings = SettingsOf<typeof settingsForm>;

/** The channel account of saved settings (the group is absent until the settings are first saved). */
export type EchoAccount = NonNullable<EchoSettings["channel"]>;

/** The API URL as requests are built on it: trimmed, without a trailing slash. */
export function apiBase(account: Pick<EchoAccount, "apiUrl">): string {
  return account.apiUrl.trim().replace(/\/+$/, "");
}
