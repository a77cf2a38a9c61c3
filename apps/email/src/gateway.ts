/**
 * @module gateway — the email gateway definition: nodemailer out, its own SMTP server and a
 * raw-MIME webhook in, threading by Message-ID, statuses from SMTP replies and DSNs.
 */
import { defineGateway } from "@switchboard/core";
import { DEFAULT_MAX_BYTES, type EmailEnv } from "./env.js";
import { emailInboundTokens } from "./db/schema.js";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./db/migrations.js";
import { loadIcon } from "./icon.js";
import { startInboundServer } from "./inbound/smtp-inbound-server.js";
import { createSender } from "./send/send-message.js";
import { createServices } from "./services.js";
import { settingsForm, INBOUND_PREVIEWER } from "./settings/form.js";
import { inboundPreviewer } from "./settings/inbound-preview.js";
import { verifySettings } from "./settings/verify-settings.js";
import { inboundWebhook } from "./webhook/inbound-webhook.js";

/** The email gateway: one instance per running gateway, built by `setup` from core's runtime and {@link EmailEnv}. */
export const email = defineGateway({
  name: "email",
  defaultPort: 8083,
  info: {
    name: { en_US: "Email", ru_RU: "Электронная почта" },
    description: {
      en_US:
        "Customers' email in the CRM chat: threaded replies over your SMTP account, attachments, bounces as errors.",
      ru_RU: "Письма клиентов в чате CRM: ответы в той же переписке через ваш SMTP, вложения, возвраты как ошибки.",
    },
  },
  contactType: "email",
  capabilities: {
    subject: true,
    messages: {
      formats: ["text", "markdown", "html"],
      incoming: true,
      outgoing: true,
      writeFirst: true,
      statuses: ["sent", "delivered", "error"],
    },
    attachments: ["file", "image", "voice"],
  },
  icon: loadIcon(),
  settings: settingsForm,
  migrationsFolder: MIGRATIONS_FOLDER,
  postgresMigrationsFolder: POSTGRES_MIGRATIONS_FOLDER,
  secretColumns: [emailInboundTokens.token],
  async setup(runtime, env: EmailEnv) {
    const outbound = env.outbound ?? { allowPrivate: false };
    const maxBytes = env.maxBytes ?? env.inbound?.maxBytes ?? DEFAULT_MAX_BYTES;
    const services = await createServices(runtime, outbound, env.checks);
    const inbound = env.inbound ? await startInboundServer(env.inbound, services) : undefined;
    return {
      send: createSender(services),
      webhooks: { inbound: inboundWebhook(services, maxBytes) },
      // The preview shows the tenant's inbound webhook URL, whose token lets anyone post mail in.
      previews: {
        [INBOUND_PREVIEWER]: { settingsAccess: true, render: inboundPreviewer(services, inbound?.port) },
      },
      verifySettings: (input) => verifySettings(input, runtime, outbound),
      settingsSaved: (tenant) => {
        services.transports.invalidate(tenant.id);
        services.domains.forget(tenant.id);
      },
      // Message-IDs are kept SWITCHBOARD_KEEP_HISTORY_DAYS: a reply to only older mail starts a new thread.
      purge: (ctx) => services.messages.purge(ctx),
      async close() {
        await inbound?.close();
        services.close();
      },
      /** The port the inbound SMTP server listens on; none when it was not asked for. */
      inboundPort: inbound?.port,
    };
  },
});

/** The email gateway definition (its settings, environment and instance types). */
export type EmailGateway = typeof email;
