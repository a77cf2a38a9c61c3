/**
 * @module gateways/telegram — the Telegram gateway in the sandbox: the fake Bot API with the
 * company's two bots, the SalesRender tenant's bot token, and the Bitrix24 portal's open line
 * connected to the second bot (the same gateway serves both CRMs).
 */
import { startFakeTelegram } from "@switchboard/testkit/telegram";
import { BITRIX24_PORTAL, TELEGRAM_BOT, TELEGRAM_PORTAL_BOT } from "../channels.js";
import { TelegramCustomers } from "../customers/telegram-customers.js";
import { addTelegramRoutes } from "../web/telegram-routes.js";
import { connectPortal } from "./connect-portal.js";
import type { SandboxGateway } from "./sandbox-gateway.js";

/** The Telegram gateway (`apps/telegram`). */
export const telegramSandbox: SandboxGateway = {
  name: "telegram",
  label: "Telegram",
  packageName: "@switchboard/telegram",
  ports: { http: { variable: "TELEGRAM_PORT", fallback: 8081 } },
  variablePrefixes: ["TELEGRAM_", "BITRIX24_"],
  contactPlaceholder: "tg://user?id=5550001",
  async start({ uploads, publish, bitrix24 }) {
    const fake = await startFakeTelegram();
    for (const bot of [TELEGRAM_BOT, TELEGRAM_PORTAL_BOT]) {
      fake.addBot(bot.token, { username: bot.username, first_name: bot.firstName });
    }
    const customers = new TelegramCustomers(fake, uploads, (bot, user) => publish({ bot, user }));
    return {
      env: {
        TELEGRAM_API_ROOT: fake.url,
        // The Telegram gateway serves both CRMs: the SalesRender inbox and the Bitrix24 portal.
        SWITCHBOARD_HOSTS: "salesrender,bitrix24",
        BITRIX24_CLIENT_ID: BITRIX24_PORTAL.clientId,
        BITRIX24_CLIENT_SECRET: BITRIX24_PORTAL.clientSecret,
        BITRIX24_OAUTH_URL: bitrix24.url,
      },
      settings: { main: { botToken: TELEGRAM_BOT.token, allowGroups: false } },
      async afterProvision(url) {
        await connectPortal(bitrix24.portal, url);
        customers.addBot(TELEGRAM_PORTAL_BOT);
      },
      page: "telegram.html",
      addRoutes: (app, store) => addTelegramRoutes(app, customers, store),
      failureReason: (contact) => customers.failureReason(contact),
      async close() {
        customers.close();
        await fake.close();
      },
    };
  },
};
