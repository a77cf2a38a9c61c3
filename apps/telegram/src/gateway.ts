/**
 * @module gateway — the Telegram gateway definition: bots talk through grammY to the Bot API at
 * `apiRoot`; everything durable (queue, outbox, statuses, files) is core's, except each tenant's
 * webhook secret (the gateway's own table).
 */
import { readFileSync } from "node:fs";
import { defineGateway } from "@switchboard/core";
import { Bots } from "./bot/bots.js";
import { MIGRATIONS_FOLDER } from "./db/migrations.js";
import { telegramWebhooks } from "./db/schema.js";
import { FILE_KIND } from "./files/file-key.js";
import { createFileResolver } from "./files/telegram-file.js";
import { createSender } from "./send/send-message.js";
import { SendMemory } from "./send/progress.js";
import { createConnectionPreview } from "./settings/connection-preview.js";
import { CONNECTION_PREVIEW, settingsForm } from "./settings/form.js";
import { createSettingsVerifier } from "./settings/verify.js";
import { createWebhookRoutes } from "./webhook/webhook-route.js";

/** Options of {@link createTelegramGateway}. */
export interface TelegramGatewayOptions {
  /** Bot API root (`TELEGRAM_API_ROOT`), without a trailing slash. */
  apiRoot: string;
}

const icon = readFileSync(new URL("../assets/icon.png", import.meta.url));

/** Builds the gateway definition for `startGateway` / `runGateway`. */
export function createTelegramGateway(options: TelegramGatewayOptions) {
  const bots = new Bots(options.apiRoot.replace(/\/+$/, ""));
  return defineGateway({
    name: "telegram",
    defaultPort: 8081,
    info: {
      name: { en_US: "Telegram", ru_RU: "Telegram" },
      description: {
        en_US:
          "Chat with customers through your **Telegram bot**: formatted messages, photos, voice notes and files both ways.",
        ru_RU:
          "Переписка с клиентами через вашего **Telegram-бота**: форматированные сообщения, фото, голосовые и файлы в обе стороны.",
      },
      developer: { name: "Switchboard", email: "dev@switchboard.dev", hostname: "switchboard.dev" },
    },
    contactType: "uri",
    capabilities: {
      subject: false,
      typing: false,
      messages: {
        formats: ["text", "markdown", "html"],
        incoming: true,
        outgoing: true,
        writeFirst: true,
        // The Bot API gives bots no delivered/read receipts: we never claim them.
        statuses: ["sent", "error"],
      },
      attachments: ["file", "image", "voice"],
    },
    icon,
    settings: settingsForm,
    // Telegram's own limits: about 1 message/s per chat (short bursts allowed) and 30/s per bot.
    rateLimits: [
      { scope: "contact", perSecond: 1, burst: 3 },
      { scope: "tenant", perSecond: 30 },
    ],
    setup: (runtime) => ({
      send: createSender(bots, new SendMemory(), runtime),
      routes: createWebhookRoutes(bots, runtime),
      files: { [FILE_KIND]: createFileResolver(bots) },
      previews: { [CONNECTION_PREVIEW]: createConnectionPreview(bots, runtime) },
      verifySettings: createSettingsVerifier(bots, runtime),
    }),
    migrationsFolder: MIGRATIONS_FOLDER,
    secretColumns: [telegramWebhooks.secret],
  });
}

/** The Telegram gateway definition (its settings, environment and instance types). */
export type TelegramGateway = ReturnType<typeof createTelegramGateway>;
