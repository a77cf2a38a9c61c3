/**
 * @module cli/webhook-commands — the Telegram gateway's CLI group `webhook`: `info` asks Telegram
 * (getWebhookInfo) where a tenant's bot posts and whether updates pile up; `reset` points the
 * webhook here again with a new secret (setWebhook), as a settings save does. Both through the
 * gateway's own Bot API client (core's guarded fetch, with its deadline); the token never shows.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  CliInputError,
  type CliContext,
  type CliOption,
  type GatewayCli,
  type Tenant,
} from "@switchboard/core";
import { GrammyError } from "grammy";
import { Bots } from "../bot/bots.js";
import { botIdOf, redactToken } from "../bot/redact.js";
import { WebhookSecrets } from "../db/webhook-secrets.js";
import type { TelegramEnv } from "../env.js";
import type { TelegramSettings } from "../settings/form.js";
import { pointWebhook } from "../webhook/point-webhook.js";
import { webhookUrl } from "../webhook/webhook-address.js";

type Context = CliContext<TelegramSettings, TelegramEnv>;

const TENANT: Readonly<Record<string, CliOption>> = {
  tenant: { type: "string", value: "<tenant>", description: "the tenant (its id or public id; required)" },
};

/** The tenant `--tenant` names, and its saved bot token. */
async function tenantWithBot(context: Context, tenantRef: unknown, command: string) {
  if (typeof tenantRef !== "string") throw new CliInputError(`webhook ${command} needs --tenant <tenant>`);
  const tenant: Tenant<TelegramSettings> = await context.tenant(tenantRef);
  const token = tenant.settings.main?.botToken;
  if (typeof token !== "string" || token === "") {
    throw new CliInputError(`tenant ${tenant.id} has no bot token saved: save the settings in the CRM first`);
  }
  return { tenant, token };
}

/** A Bot API failure as core's channel errors, without the token. */
function channelError(error: unknown, token: string, what: string): Error {
  if (error instanceof GrammyError) {
    return new ChannelRefusedError(`Telegram refused ${what}: ${redactToken(error.description, token)}`, {
      permanent: true,
      code: error.error_code,
    });
  }
  const reason = error instanceof Error ? redactToken(error.message, token) : "unknown error";
  return new ChannelNetworkError(`Telegram could not be reached for ${what}: ${reason}`);
}

/** The `webhook` group. */
export const webhookCli: GatewayCli<TelegramSettings, TelegramEnv> = {
  webhook: {
    summary: "a tenant's bot webhook at Telegram",
    commands: {
      info: {
        summary: "where the tenant's bot posts updates, and whether they wait (getWebhookInfo)",
        options: TENANT,
        async run(context, { values }) {
          const { tenant, token } = await tenantWithBot(context, values.tenant, "info");
          const bots = new Bots(context.env.apiRoot);
          let username: string;
          let info;
          try {
            username = (await bots.getMe(token)).username;
            info = await bots.api(token).getWebhookInfo();
          } catch (error) {
            throw channelError(error, token, "getWebhookInfo");
          }
          const expected = webhookUrl(context, tenant.publicId);
          const secretStored = (await new WebhookSecrets(context).find(tenant.id, botIdOf(token))) !== undefined;
          const lastError = info.last_error_message ? redactToken(info.last_error_message, token) : undefined;
          const lastErrorAt = info.last_error_date ? new Date(info.last_error_date * 1000).toISOString() : undefined;
          const pointsHere = info.url === expected;
          const json = {
            tenant: tenant.id,
            bot: username,
            url: info.url,
            expectedUrl: expected,
            pointsHere,
            secretStored,
            pendingUpdates: info.pending_update_count,
            lastError: lastError ?? null,
            lastErrorAt: lastErrorAt ?? null,
            maxConnections: info.max_connections ?? null,
            allowedUpdates: info.allowed_updates ?? null,
          };
          return {
            json,
            fields: [
              ["tenant", tenant.id],
              ["bot", `@${username}`],
              ["webhook", info.url],
              ["expected", expected],
              ["points here", pointsHere ? "yes" : "no"],
              ["secret stored", secretStored ? "yes" : "no"],
              ["pending updates", info.pending_update_count],
              ["last error", lastError],
              ["last error at", lastErrorAt],
              ["max connections", info.max_connections],
              ["allowed updates", info.allowed_updates?.join(", ")],
            ],
            ...(!pointsHere || !secretStored
              ? { lines: ["updates do not reach this gateway: `webhook reset` points the bot here again"] }
              : {}),
          };
        },
      },
      reset: {
        summary: "point the tenant's bot webhook here again, with a new secret (setWebhook)",
        details:
          "What saving the settings does for the webhook: the URL under LV_PLUGIN_SELF_URI and a new secret, stored once Telegram took it. Safe beside the running gateway, which checks updates against the stored secret.",
        options: TENANT,
        async run(context, { values }) {
          const { tenant, token } = await tenantWithBot(context, values.tenant, "reset");
          let url: string;
          try {
            url = await pointWebhook(
              new Bots(context.env.apiRoot),
              context,
              new WebhookSecrets(context),
              tenant,
              token,
            );
          } catch (error) {
            throw channelError(error, token, "setWebhook");
          }
          return { json: { tenant: tenant.id, url }, lines: [`the bot of tenant ${tenant.id} now posts to ${url}`] };
        },
      },
    },
  },
};
