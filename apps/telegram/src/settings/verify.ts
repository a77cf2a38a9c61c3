/**
 * @module settings/verify — saving settings checks the token with getMe and points the bot's
 * webhook at this gateway with a new random secret; a wrong token is a 400 on `main.botToken` and
 * nothing is saved.
 */
import { HttpError, SettingsValidationError, type GatewayInstance, type GatewayRuntime } from "@switchboard/core";
import { GrammyError } from "grammy";
import type { Bots } from "../bot/bots.js";
import { botIdOf, redactToken } from "../bot/redact.js";
import { newWebhookSecret, WebhookSecrets } from "../db/webhook-secrets.js";
import { ALLOWED_UPDATES, webhookUrl } from "../webhook/webhook-address.js";
import type { TelegramSettings } from "./form.js";

function fieldError(en: string): SettingsValidationError {
  return new SettingsValidationError({ main: { botToken: [en] } });
}

/** Builds the `verifySettings` hook. */
type Verify = NonNullable<GatewayInstance<TelegramSettings>["verifySettings"]>;

/** Builds the `verifySettings` check. */
export function createSettingsVerifier(bots: Bots, runtime: GatewayRuntime<TelegramSettings>): Verify {
  // Saves of one tenant run one after the other: two overlapping ones could leave Telegram with one
  // save's secret and the table with the other's, and every update would then get a 401.
  const saving = new Map<string, Promise<void>>();
  const verify = createVerifier(bots, runtime);
  return (input) => {
    const run = (saving.get(input.publicId) ?? Promise.resolve()).then(() => verify(input));
    const settled = run.catch(() => undefined);
    saving.set(input.publicId, settled);
    void settled.then(() => {
      if (saving.get(input.publicId) === settled) saving.delete(input.publicId);
    });
    return run;
  };
}

function createVerifier(bots: Bots, runtime: GatewayRuntime<TelegramSettings>): Verify {
  return async ({ ref, publicId, settings, previous }) => {
    const token = settings.main.botToken ?? "";
    const sameBot = runtime.tenants.all().find((t) => t.publicId !== publicId && t.settings.main?.botToken === token);
    if (sameBot) {
      // One bot has one webhook: a second tenant would silently steal the first one's messages.
      throw fieldError("This bot is already connected to another plugin instance; create a separate bot for each one");
    }
    try {
      await bots.getMe(token);
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw fieldError("Telegram does not accept this bot token (401 Unauthorized): copy it from @BotFather again");
      }
      throw unreachable(error, token, "check the token");
    }
    const url = webhookUrl(runtime, publicId);
    // A new secret on every save; stored only once Telegram took it, so a refused or failed
    // setWebhook leaves the current one working.
    const secret = newWebhookSecret();
    try {
      await bots.api(token).setWebhook(url, {
        secret_token: secret,
        allowed_updates: [...ALLOWED_UPDATES],
        max_connections: 40,
      });
    } catch (error) {
      if (error instanceof GrammyError) {
        throw fieldError(
          `Telegram refused this plugin's webhook address ${url} (${redactToken(error.description, token)}). ` +
            "Telegram needs a public HTTPS URL on port 443, 80, 88 or 8443",
        );
      }
      throw unreachable(error, token, "set the webhook");
    }
    new WebhookSecrets(runtime).save(ref, botIdOf(token), secret);
    runtime.logger.info({ tenant: ref, bot: bots.info(token)?.username, webhook: url }, "telegram webhook set");
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
    logger.warn({ err: redactToken(String(error), old) }, "could not remove the webhook of the previous bot");
  }
}

function unreachable(error: unknown, token: string, what: string): HttpError {
  const reason = error instanceof Error ? redactToken(error.message, token) : "unknown error";
  return new HttpError(502, `Telegram could not be reached to ${what} (${reason}); try saving again`);
}
