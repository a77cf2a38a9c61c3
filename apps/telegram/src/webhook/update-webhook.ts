/**
 * @module webhook/update-webhook — `POST telegram/webhook/<publicId>`, declared to core: `verify`
 * compares the secret header with the tenant's stored random secret (401 when missing or wrong,
 * and always 401 while the tenant has no token or no secret); `parse` turns each message or edit
 * into an incoming event keyed by its update id. A body that is not an update is a 400; an update
 * of the wrong shape, or one we cannot read, is logged and acknowledged (200), never a 5xx.
 */
import {
  sameSecret,
  WebhookInputError,
  type GatewayRuntime,
  type IncomingMessage,
  type ParsedWebhook,
  type Tenant,
  type WebhookDefinition,
  type WebhookRefusal,
} from "@switchboard/core";
import type { Update } from "grammy/types";
import { botIdOf } from "../bot/redact.js";
import type { WebhookSecrets } from "../db/webhook-secrets.js";
import { fileKey, FILE_KIND } from "../files/file-key.js";
import type { TelegramSettings } from "../settings/form.js";
import { toIncoming } from "./to-incoming.js";
import { checkUpdate } from "./update-shape.js";
import { WEBHOOK_PATH } from "./webhook-address.js";

/** Updates are a few KB (a 4096-character message and its entities); 1 MiB is generous. */
export const UPDATE_BODY_LIMIT = 1024 * 1024;

const SECRET_HEADER = "x-telegram-bot-api-secret-token";
const REFUSED: WebhookRefusal = { status: 401, message: "Missing or wrong secret token" };
const NOTHING: ParsedWebhook = { events: [] };

/** Builds the update webhook of a running gateway. */
export function createUpdateWebhook(
  runtime: GatewayRuntime<TelegramSettings>,
  secrets: WebhookSecrets,
): WebhookDefinition<TelegramSettings> {
  const ignore = (tenant: Tenant<TelegramSettings>, details: object, message: string): ParsedWebhook => {
    runtime.logger.warn({ event: "telegram.update_ignored", tenant: tenant.id, ...details }, message);
    return NOTHING;
  };
  return {
    path: WEBHOOK_PATH,
    maxBytes: UPDATE_BODY_LIMIT,
    async verify(request, tenant) {
      const token = tenant.settings.main?.botToken;
      // A secret belongs to one bot: one set for another bot than the saved token's opens nothing,
      // and without a stored one nothing gets in (the connection preview says to save the settings).
      const secret = token ? await secrets.find(tenant.id, botIdOf(token)) : undefined;
      return secret !== undefined && sameSecret(request.headers.get(SECRET_HEADER), secret) ? true : REFUSED;
    },
    async parse(request, tenant) {
      const body = request.json();
      const check = checkUpdate(body);
      if (check.kind === "not-an-update") throw new WebhookInputError("Body is not a Telegram update");
      // A 5xx would make Telegram redeliver it forever, and no retry can make it readable.
      if (check.kind === "unreadable") {
        return ignore(
          tenant,
          { updateId: check.updateId, problems: check.problems },
          "telegram update has fields of the wrong shape; ignored",
        );
      }
      const token = tenant.settings.main?.botToken ?? "";
      // The token may have changed since the secret was checked: never mix two bots' updates.
      if ((await runtime.tenants.get(tenant.id))?.settings.main?.botToken !== token) {
        return ignore(tenant, { updateId: check.updateId }, "telegram update for a replaced bot token; ignored");
      }
      const update = body as Update;
      let incoming: IncomingMessage | undefined;
      try {
        incoming = toIncoming(update, {
          allowGroups: tenant.settings.main?.allowGroups === true,
          link: (file) => runtime.files.link(tenant, FILE_KIND, fileKey(file), { fileName: file.name }),
        });
      } catch (error) {
        // checkUpdate passed it, yet it cannot be read: no redelivery can fix that either.
        return ignore(
          tenant,
          { updateId: check.updateId, err: { type: (error as Error).name } },
          "telegram update could not be read; ignored",
        );
      }
      if (!incoming) return NOTHING;
      // Telegram redelivers after errors and timeouts: each update_id reaches the CRM once. The
      // key is the one stored since the first version, so existing databases keep deduping.
      const externalId = `update:${botIdOf(token)}:${check.updateId}`;
      return { events: [{ kind: "incoming", message: incoming, externalId }] };
    },
  };
}
