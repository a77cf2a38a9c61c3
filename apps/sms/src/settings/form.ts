/**
 * @module settings/form — the SMS settings form (group `main`), its typed settings and the sender they name.
 */
import { defineSettingsForm, type SettingsOf } from "@switchboard/core";
import { toE164 } from "../contact/phone.js";

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/** How messages are sent: from a number, or through a Messaging Service. */
export type Sender = { kind: "number"; phoneNumber: string } | { kind: "service"; serviceSid: string };

/** Parses the sender field; undefined when it is neither an E.164 number nor an `MG…` SID. */
export function parseSender(value: string): Sender | undefined {
  const trimmed = value.trim();
  if (SERVICE_SID.test(trimmed)) return { kind: "service", serviceSid: trimmed };
  // The sender must be given in international form: no default country.
  const e164 = trimmed.startsWith("+") ? toE164(trimmed) : undefined;
  return e164 ? { kind: "number", phoneNumber: e164 } : undefined;
}

/** The settings form. */
export const settingsForm = defineSettingsForm({
  title: { en_US: "SMS (Twilio)", ru_RU: "SMS (Twilio)" },
  description: {
    en_US: "Your Twilio account and the number (or Messaging Service) that sends and receives texts.",
    ru_RU: "Ваш аккаунт Twilio и номер (или Messaging Service), который отправляет и получает SMS.",
  },
  groups: {
    main: {
      title: { en_US: "Twilio account", ru_RU: "Аккаунт Twilio" },
      fields: {
        accountSid: {
          type: "string",
          title: "Account SID",
          description: {
            en_US: "Starts with AC, from the Twilio Console",
            ru_RU: "Начинается с AC, из консоли Twilio",
          },
          required: true,
          validate: (v) =>
            typeof v === "string" && !ACCOUNT_SID.test(v)
              ? {
                  en_US: "An Account SID is AC followed by 32 hex digits",
                  ru_RU: "Account SID — это AC и 32 шестнадцатеричные цифры",
                }
              : undefined,
        },
        authToken: { type: "password", title: "Auth Token", required: true },
        sender: {
          type: "string",
          title: { en_US: "Sender", ru_RU: "Отправитель" },
          description: {
            en_US: "A Twilio phone number in international form (+14155550123) or a Messaging Service SID (MG…)",
            ru_RU: "Номер Twilio в международном формате (+14155550123) или SID Messaging Service (MG…)",
          },
          required: true,
          validate: (v) =>
            typeof v === "string" && !parseSender(v)
              ? {
                  en_US: "Enter a phone number like +14155550123 or a Messaging Service SID (MG…)",
                  ru_RU: "Укажите номер вида +14155550123 или SID Messaging Service (MG…)",
                }
              : undefined,
        },
        statusCallbacks: {
          type: "boolean",
          title: { en_US: "Delivery statuses", ru_RU: "Статусы доставки" },
          description: {
            en_US: "Ask Twilio to report delivered/failed for each message (needs a public gateway URL)",
            ru_RU: "Получать от Twilio статусы «доставлено»/«ошибка» (нужен публичный адрес шлюза)",
          },
          default: true,
        },
      },
    },
    inbound: {
      title: { en_US: "Incoming messages", ru_RU: "Входящие сообщения" },
      fields: {
        setup: { type: "markdownPreview", title: { en_US: "Webhook", ru_RU: "Вебхук" }, previewer: "setup" },
      },
    },
  },
});

/** The SMS settings as stored: `main` is absent until they are first saved. */
export type SmsSettings = SettingsOf<typeof settingsForm>;

/** The saved Twilio account group: credentials, the sender field and whether to ask for statuses. */
export type TwilioAccount = NonNullable<SmsSettings["main"]>;

/** The saved account and the sender it names; undefined until settings with a valid sender are saved. */
export function senderOf(settings: SmsSettings): { account: TwilioAccount; sender: Sender } | undefined {
  const account = settings.main;
  const sender = account && parseSender(account.sender);
  return account && sender ? { account, sender } : undefined;
}
