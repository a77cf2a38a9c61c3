/**
 * @module gateway — the email gateway definition: nodemailer out, its own SMTP server and a
 * raw-MIME webhook in, threading by Message-ID, statuses from SMTP replies and DSNs.
 */
import { defineGateway } from "@switchboard/core";
import { emailInboundTokens } from "./db/schema.js";
import { MIGRATIONS_FOLDER } from "./db/tenant-scope.js";
import { loadIcon } from "./icon.js";
import { addInboundRoute } from "./inbound/http-route.js";
import { startInboundServer, type InboundServerOptions } from "./inbound/smtp-inbound-server.js";
import { sendMessage } from "./send/send-message.js";
import { createServices, type InboundCheckOptions, type OutboundSmtpOptions } from "./services.js";
import { settingsForm, INBOUND_PREVIEWER } from "./settings/form.js";
import { inboundPreviewer } from "./settings/inbound-preview.js";
import { verifyEmailSettings } from "./settings/verify-settings.js";

/** Options of {@link createEmailGateway}. */
export interface EmailGatewayOptions {
  /** The inbound SMTP server; none when absent. Port 0 picks a free port (see `inboundPort`). */
  inbound?: InboundServerOptions;
  /** Largest raw message the HTTP inbound route takes (default: the inbound limit, else 25 MiB). */
  maxBytes?: number;
  /** Tenants' SMTP servers: private relays allowed (`SWITCHBOARD_ALLOW_PRIVATE_SMTP`), extra CA, host lookup. */
  outbound?: OutboundSmtpOptions;
  /** Inbound checks: DNS resolver (tests: fixed records) and pre-verified domains (`SMTP_INBOUND_VERIFIED_DOMAINS`). */
  checks?: InboundCheckOptions;
}

const DEFAULT_MAX_BYTES = 26_214_400;

/** Builds the email gateway definition. */
export function createEmailGateway(options: EmailGatewayOptions = {}) {
  const maxBytes = options.maxBytes ?? options.inbound?.maxBytes ?? DEFAULT_MAX_BYTES;
  return defineGateway({
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
    secretColumns: [emailInboundTokens.token],
    async setup(runtime) {
      const outbound = options.outbound ?? { allowPrivate: false };
      const services = createServices(runtime, outbound, options.checks);
      const inbound = options.inbound ? await startInboundServer(options.inbound, services) : undefined;
      return {
        send: (ctx, message) => sendMessage(services, ctx, message),
        routes: (app) => addInboundRoute(app, services, maxBytes),
        // The preview shows the tenant's inbound webhook URL, whose token lets anyone post mail in.
        previews: {
          [INBOUND_PREVIEWER]: { settingsAccess: true, render: inboundPreviewer(services, inbound?.port) },
        },
        verifySettings: (input) => verifyEmailSettings(input, runtime, outbound),
        settingsSaved: (tenant) => {
          services.transports.invalidate(tenant.ref);
          services.domains.forget(tenant.ref);
        },
        async close() {
          await inbound?.close();
          services.close();
        },
        /** The port the inbound SMTP server listens on; none when it was not asked for. */
        inboundPort: inbound?.port,
      };
    },
  });
}

/** The email gateway definition (its settings, environment and instance types). */
export type EmailGateway = ReturnType<typeof createEmailGateway>;
