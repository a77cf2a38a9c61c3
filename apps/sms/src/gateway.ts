/**
 * @module gateway — the SMS gateway definition: Twilio SMS/MMS out, statuses and messages in.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineGateway } from "@switchboard/core";
import { MIGRATIONS_FOLDER } from "./db/migrations.js";
import { createMediaResolver } from "./files/media-resolver.js";
import { createSend } from "./send/send-message.js";
import { settingsForm } from "./settings/form.js";
import { createSetupPreview } from "./settings/preview.js";
import { createVerifySettings } from "./settings/verify.js";
import { TwilioClients } from "./twilio/client.js";
import { createWebhookRoutes } from "./webhook/routes.js";

/** Options of {@link createSmsGateway}. */
export interface SmsGatewayOptions {
  /** TWILIO_API_BASE_URL: where every Twilio REST call goes, and the only origin media come from. */
  apiBaseUrl: string;
  /** Delays between tries of a media download Twilio answers 404 to (tests shorten them). */
  mediaRetryDelaysMs?: number[];
}

/** Builds the SMS gateway definition. */
export function createSmsGateway(options: SmsGatewayOptions) {
  const apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, "");
  const clients = new TwilioClients(apiBaseUrl);
  return defineGateway({
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
    setup: (runtime) => ({
      send: createSend({ clients, runtime }),
      routes: createWebhookRoutes(apiBaseUrl, runtime),
      files: { media: createMediaResolver({ apiBaseUrl, retryDelaysMs: options.mediaRetryDelaysMs }) },
      previews: { setup: createSetupPreview(clients, runtime) },
      verifySettings: createVerifySettings(clients, runtime),
    }),
    migrationsFolder: MIGRATIONS_FOLDER,
  });
}

/** The SMS gateway definition (its settings, environment and instance types). */
export type SmsGateway = ReturnType<typeof createSmsGateway>;
