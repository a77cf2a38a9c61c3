/**
 * @module gateway — the SMS gateway: Twilio SMS/MMS out, statuses and messages in.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineGateway } from "@switchboard/core";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./db/migrations.js";
import type { SmsEnv } from "./env.js";
import { createMediaResolver } from "./files/media-resolver.js";
import { OptOuts } from "./db/opt-outs.js";
import { createSender } from "./send/send-message.js";
import { settingsForm } from "./settings/form.js";
import { createSetupPreview } from "./settings/preview.js";
import { createVerifySettings } from "./settings/verify.js";
import { TwilioClients } from "./twilio/client.js";
import { inboundWebhook } from "./webhook/inbound.js";
import { statusWebhook } from "./webhook/status.js";

/** The SMS gateway; `setup` takes its {@link SmsEnv} (`readSmsEnv` in production). */
export const sms = defineGateway({
  name: "sms",
  defaultPort: 8082,
  info: {
    name: { en_US: "SMS (Twilio)", ru_RU: "SMS (Twilio)" },
    description: {
      en_US:
        "Text customers from the CRM through your **Twilio** number: SMS and MMS out, delivery statuses, replies and pictures in, STOP/START opt-outs.",
      ru_RU:
        "SMS клиентам из CRM через ваш номер **Twilio**: отправка SMS и MMS, статусы доставки, ответы и картинки клиентов, отписка STOP/START.",
    },
  },
  contactType: "phone",
  capabilities: {
    subject: false,
    typing: false,
    messages: {
      // Markdown and HTML are still accepted and flattened to plain text; SMS itself has no formatting.
      formats: ["text"],
      incoming: true,
      outgoing: true,
      writeFirst: true,
      statuses: ["sent", "delivered", "error"],
    },
    attachments: ["image"],
  },
  icon: readFileSync(fileURLToPath(new URL("../assets/icon.png", import.meta.url))),
  settings: settingsForm,
  migrationsFolder: MIGRATIONS_FOLDER,
  postgresMigrationsFolder: POSTGRES_MIGRATIONS_FOLDER,
  setup(runtime, env: SmsEnv) {
    const apiBaseUrl = env.apiBaseUrl.replace(/\/+$/, "");
    const clients = new TwilioClients(apiBaseUrl);
    const optOuts = new OptOuts(runtime.db);
    return {
      send: createSender({ clients, runtime, optOuts }),
      webhooks: {
        inbound: inboundWebhook({ runtime, optOuts, apiBaseUrl }),
        status: statusWebhook({ runtime, optOuts }),
      },
      files: { media: createMediaResolver({ apiBaseUrl, retryDelaysMs: env.mediaRetryDelaysMs }) },
      previews: { setup: createSetupPreview(clients, runtime) },
      verifySettings: createVerifySettings(clients, runtime),
    };
  },
});

/** The SMS gateway definition (its settings, environment and instance types). */
export type SmsGateway = typeof sms;
