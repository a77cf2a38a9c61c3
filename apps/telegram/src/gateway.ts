/**
 * @module gateway — the Telegram gateway definition: bots talk through grammY to the Bot API at
 * `apiRoot`; everything durable (queue, outbox, statuses, files) is core's, except each tenant's
 * webhook secret (the gateway's own table).
 */
import { readFileSync } from "node:fs";
import { defineGateway } from "@switchboard/core";
import { Bots } from "./bot/bots.js";
import { webhookCli } from "./cli/webhook-commands.js";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./db/migrations.js";
import { telegramWebhooks } from "./db/schema.js";
import { WebhookSecrets } from "./db/webhook-secrets.js";
import type { TelegramEnv } from "./env.js";
import { FILE_KIND } from "./files/file-key.js";
import { createFileResolver } from "./files/telegram-file.js";
import { createEditor } from "./send/edit-message.js";
import { createSender } from "./send/send-message.js";
import { SendMemory } from "./send/progress.js";
import { createConnectionPreview } from "./settings/connection-preview.js";
import { CONNECTION_PREVIEW, settingsForm } from "./settings/form.js";
import { createSettingsVerifier } from "./settings/verify.js";
import { createUpdateWebhook } from "./webhook/update-webhook.js";

const icon = readFileSync(new URL("../assets/icon.png", import.meta.url));

/** The Telegram gateway, for `startGateway` / `runGateway` with a {@link TelegramEnv}. */
export const telegram = defineGateway({
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
      // editMessageText / editMessageCaption and deleteMessage (send/edit-message.ts).
      edit: true,
      delete: true,
    },
    attachments: ["file", "image", "voice"],
  },
  icon,
  settings: settingsForm,
  // Telegram's own limits: about 1 message/s per chat (short bursts allowed) and 30/s per bot.
  // The bot's bucket runs at 25/s, not 30: a bucket of burst 1 at r/s admits r + 1 sends in a
  // closed 1 s window, and jitter between our admission and Telegram's arrival clock can squeeze
  // one or two more into it (the replica chaos run saw 32 at the receiving end with 30/s).
  rateLimits: [
    { scope: "contact", perSecond: 1, burst: 3 },
    { scope: "tenant", perSecond: 25 },
  ],
  migrationsFolder: MIGRATIONS_FOLDER,
  postgresMigrationsFolder: POSTGRES_MIGRATIONS_FOLDER,
  secretColumns: [telegramWebhooks.secret],
  cli: webhookCli,
  setup(runtime, env: TelegramEnv) {
    const bots = new Bots(env.apiRoot.replace(/\/+$/, ""));
    const webhookSecrets = new WebhookSecrets(runtime);
    const editor = createEditor(bots);
    return {
      send: createSender(bots, new SendMemory(), runtime),
      edit: editor.edit,
      remove: editor.remove,
      webhooks: { update: createUpdateWebhook(runtime, webhookSecrets) },
      files: { [FILE_KIND]: createFileResolver(bots) },
      previews: { [CONNECTION_PREVIEW]: createConnectionPreview(bots, runtime, webhookSecrets) },
      verifySettings: createSettingsVerifier(bots, runtime, webhookSecrets),
      /** Each tenant's stored webhook secret (tests read and plant them). */
      webhookSecrets,
    };
  },
});

/** The Telegram gateway definition (its settings, environment and instance types). */
export type TelegramGateway = typeof telegram;
