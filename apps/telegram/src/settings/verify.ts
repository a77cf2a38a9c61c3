/**
 * @module settings/verify — saving settings checks the token with getMe and points the bot's
 * webhook at this gateway with a new random secret; a wrong token is a 400 on `main.botToken` and
 * nothing is saved.
 */
import {
  HttpError,
  SettingsValidationError,
  type GatewayInstance,
  type GatewayRuntime,
  type Text,
} from "@switchboard/core";
import { GrammyError } from "grammy";
import type { Bots } from "../bot/bots.js";
import { redactToken } from "../bot/redact.js";
import type { WebhookSecrets } from "../db/webhook-secrets.js";
import { pointWebhook } from "../webhook/point-webhook.js";
import { webhookUrl } from "../webhook/webhook-address.js";
import type { TelegramSettings } from "./form.js";

/** A refusal on `main.botToken`, in both languages (core answers the one the CRM asked for). */
function fieldError(message: Text): SettingsValidationError {
  return new SettingsValidationError({ main: { botToken: [message] } });
}

/** Builds the `verifySettings` hook. */
type Verify = NonNullable<GatewayInstance<TelegramSettings>["verifySettings"]>;

/** Builds the `verifySettings` check. */
export function createSettingsVerifier(
  bots: Bots,
  runtime: GatewayRuntime<TelegramSettings>,
  secrets: WebhookSecrets,
): Verify {
  // Saves of one tenant run one after the other: two overlapping ones could leave Telegram with one
  // save's secret and the table with the other's, and every update would then get a 401.
  const saving = new Map<number, Promise<void>>();
  const verify = createVerifier(bots, runtime, secrets);
  return (input) => {
    const run = (saving.get(input.tenant.id) ?? Promise.resolve()).then(() => verify(input));
    const settled = run.catch(() => undefined);
    saving.set(input.tenant.id, settled);
    void settled.then(() => {
      if (saving.get(input.tenant.id) === settled) saving.delete(input.tenant.id);
    });
    return run;
  };
}

function createVerifier(bots: Bots, runtime: GatewayRuntime<TelegramSettings>, secrets: WebhookSecrets): Verify {
  return async ({ tenant, settings, previous }) => {
    const token = settings.main.botToken ?? "";
    const sameBot = (await runtime.tenants.all()).find(
      (t) => t.id !== tenant.id && t.settings.main?.botToken === token,
    );
    if (sameBot) {
      // One bot has one webhook: a second tenant would silently steal the first one's messages.
      throw fieldError({
        en_US: "This bot is already connected to another plugin instance; create a separate bot for each one",
        ru_RU: "Этот бот уже подключён к другому экземпляру плагина; создайте отдельного бота для каждого",
      });
    }
    try {
      await bots.getMe(token);
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw fieldError({
          en_US: "Telegram does not accept this bot token (401 Unauthorized): copy it from @BotFather again",
          ru_RU: "Telegram не принимает этот токен бота (401 Unauthorized): скопируйте его из @BotFather ещё раз",
        });
      }
      throw unreachable(error, token, "check the token");
    }
    const url = webhookUrl(runtime, tenant.publicId);
    // A new secret on every save (pointWebhook stores it only once Telegram took it).
    try {
      await pointWebhook(bots, runtime, secrets, tenant, token);
    } catch (error) {
      if (error instanceof GrammyError) {
        const reason = redactToken(error.description, token);
        throw fieldError({
          en_US:
            `Telegram refused this plugin's webhook address ${url} (${reason}). ` +
            "Telegram needs a public HTTPS URL on port 443, 80, 88 or 8443",
          ru_RU:
            `Telegram отклонил адрес вебхука этого плагина ${url} (${reason}). ` +
            "Telegram нужен публичный HTTPS-адрес с портом 443, 80, 88 или 8443",
        });
      }
      throw unreachable(error, token, "set the webhook");
    }
    runtime.logger.info(
      { event: "telegram.webhook_set", tenant: tenant.id, bot: bots.info(token)?.username, webhookUrl: url },
      "telegram webhook set",
    );
    await releasePreviousBot(bots, previous as TelegramSettings, token, runtime.logger);
  };
}

/** The old bot would keep posting here with a secret that no longer matches: tell it to stop. */
async function releasePreviousBot(
  bots: Bots,
  previous: TelegramSettings,
  token: string,
  logger: { warn: (o: object, m: string) => void },
) {
  const old = previous.main?.botToken;
  if (typeof old !== "string" || old === "" || old === token) return;
  try {
    await bots.api(old).deleteWebhook();
  } catch (error) {
    logger.warn(
      { event: "telegram.webhook_release_failed", err: redactToken(String(error), old) },
      "could not remove the webhook of the previous bot",
    );
  }
}

function unreachable(error: unknown, token: string, what: string): HttpError {
  const reason = error instanceof Error ? redactToken(error.message, token) : "unknown error";
  return new HttpError(502, `Telegram: could not be reached to ${what} (${reason}); try saving again`);
}
