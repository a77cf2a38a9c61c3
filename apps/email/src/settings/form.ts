/**
 * @module settings/form — the settings form: SMTP account (`smtp`), addresses (`mail`), inbound
 * help (`inbound`), and the settings type it declares.
 */
import { defineSettingsForm, type FieldValue, type SettingsOf, type Text } from "@switchboard/core";
import { MAX_ADDRESS_LENGTH, parseMailbox } from "../contact/address.js";

/** Longest host name (RFC 1035). */
export const MAX_HOST_LENGTH = 253;

/** Name of the markdown previewer that shows the inbound address, MX setup and webhook URL. */
export const INBOUND_PREVIEWER = "inbound";

const mailboxError: Text = {
  en_US: "Enter an address (shop@example.com) or a name and address (Shop <shop@example.com>)",
  ru_RU: "Укажите адрес (shop@example.com) или имя и адрес (Shop <shop@example.com>)",
};

function tooLong(max: number): Text {
  return { en_US: `At most ${max} characters`, ru_RU: `Не больше ${max} символов` };
}

function mailbox(optional: boolean) {
  return (value: FieldValue): Text | undefined => {
    const text = typeof value === "string" ? value.trim() : "";
    if (optional && text === "") return undefined;
    // Checked before parsing: a parser's cost grows with its input.
    if (text.length > MAX_ADDRESS_LENGTH) return tooLong(MAX_ADDRESS_LENGTH);
    return parseMailbox(text) ? undefined : mailboxError;
  };
}

function maxLength(max: number) {
  return (value: FieldValue): Text | undefined =>
    typeof value === "string" && value.trim().length > max ? tooLong(max) : undefined;
}

function port(value: FieldValue): Text | undefined {
  if (value == null || value === "") return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536
    ? undefined
    : { en_US: "Port must be between 1 and 65535", ru_RU: "Порт должен быть от 1 до 65535" };
}

/** The form shown in the CRM; field names are part of the public contract. */
export const settingsForm = defineSettingsForm({
  title: { en_US: "Email", ru_RU: "Электронная почта" },
  description: {
    en_US: "Answer customers' email from the CRM chat. Replies stay in the customer's thread.",
    ru_RU: "Отвечайте на письма клиентов из чата CRM. Ответы остаются в той же переписке.",
  },
  groups: {
    smtp: {
      title: { en_US: "Outgoing mail (SMTP)", ru_RU: "Исходящая почта (SMTP)" },
      description: {
        en_US: "The SMTP account mail is sent from. It is checked when you save.",
        ru_RU: "SMTP-аккаунт для отправки писем. Проверяется при сохранении.",
      },
      fields: {
        host: {
          type: "string",
          title: { en_US: "SMTP server", ru_RU: "SMTP-сервер" },
          required: true,
          validate: maxLength(MAX_HOST_LENGTH),
        },
        port: { type: "integer", title: { en_US: "Port", ru_RU: "Порт" }, default: 587, validate: port },
        secure: {
          type: "boolean",
          title: { en_US: "Implicit TLS (port 465)", ru_RU: "TLS с самого начала (порт 465)" },
          description: {
            en_US: "Off: the connection is upgraded with STARTTLS.",
            ru_RU: "Выключено: соединение шифруется командой STARTTLS.",
          },
          default: false,
        },
        allowPlaintext: {
          type: "boolean",
          title: { en_US: "Allow unencrypted connection", ru_RU: "Разрешить незашифрованное соединение" },
          description: {
            en_US:
              "Only for a server that offers no encryption at all: the password and every message then travel in clear text.",
            ru_RU:
              "Только для сервера, который совсем не поддерживает шифрование: пароль и все письма тогда передаются открытым текстом.",
          },
          default: false,
        },
        user: {
          type: "string",
          title: { en_US: "User name", ru_RU: "Имя пользователя" },
          validate: maxLength(MAX_ADDRESS_LENGTH),
        },
        password: { type: "password", title: { en_US: "Password", ru_RU: "Пароль" } },
      },
    },
    mail: {
      title: { en_US: "Addresses", ru_RU: "Адреса" },
      fields: {
        from: {
          type: "string",
          title: { en_US: "From", ru_RU: "Отправитель" },
          description: {
            en_US: "shop@example.com or Shop <shop@example.com>",
            ru_RU: "shop@example.com или Shop <shop@example.com>",
          },
          required: true,
          validate: mailbox(false),
        },
        inboundAddress: {
          type: "string",
          title: { en_US: "Address customers write to", ru_RU: "Адрес, на который пишут клиенты" },
          description: { en_US: "Defaults to the From address.", ru_RU: "По умолчанию — адрес отправителя." },
          validate: mailbox(true),
        },
        defaultSubject: {
          type: "string",
          title: { en_US: "Default subject", ru_RU: "Тема по умолчанию" },
          description: {
            en_US: "Used when a chat has no subject.",
            ru_RU: "Используется, если у чата нет темы.",
          },
        },
      },
    },
    inbound: {
      title: { en_US: "Receiving mail", ru_RU: "Получение писем" },
      fields: {
        setup: {
          type: "markdownPreview",
          title: { en_US: "How customers' mail reaches the CRM", ru_RU: "Как письма клиентов попадают в CRM" },
          previewer: INBOUND_PREVIEWER,
        },
      },
    },
  },
});

/** A tenant's settings, as the form declares them (each group absent until first saved). */
export type EmailSettings = SettingsOf<typeof settingsForm>;

/** The SMTP account group of saved settings. */
export type SmtpAccount = NonNullable<EmailSettings["smtp"]>;

/** The addresses group of saved settings. */
export type MailSettings = NonNullable<EmailSettings["mail"]>;
