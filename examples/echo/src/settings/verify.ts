/**
 * @module settings/verify — before settings are saved, the channel is told where our webhooks are;
 * a key it refuses is a 400 on the key field, in the CRM's language, and nothing is saved.
 */
import { SettingsValidationError, type GatewayInstance, type GatewayRuntime, type Text } from "@switchboard/core";
import type { EchoApi } from "../channel/api.js";
import type { EchoSettings } from "../settings/form.js";
import { webhookUrls } from "../webhook/paths.js";

const KEY_REFUSED: Text = { en_US: "The channel refused this API key", ru_RU: "Канал не принял этот ключ API" };
const UNREACHABLE: Text = {
  en_US: "The channel's API did not answer at this address",
  ru_RU: "API канала не ответил по этому адресу",
};

/** The `verifySettings` hook. */
export function createVerifySettings(
  api: EchoApi,
  runtime: GatewayRuntime<EchoSettings>,
): NonNullable<GatewayInstance<EchoSettings>["verifySettings"]> {
  return async ({ settings, tenant }) => {
    let answer;
    try {
      answer = await api.registerWebhooks(settings.channel, webhookUrls(runtime, tenant));
    } catch {
      throw new SettingsValidationError({ channel: { apiUrl: [UNREACHABLE] } });
    }
    if (!answer) return;
    if (answer.status === 401 || answer.status === 403) {
      throw new SettingsValidationError({ channel: { apiKey: [KEY_REFUSED] } });
    }
    const why = answer.error ? `${answer.status}: ${answer.error}` : String(answer.status);
    throw new SettingsValidationError({
      channel: {
        apiUrl: [{ en_US: `The channel's API answered ${why}`, ru_RU: `API канала ответил ${why}` }],
      },
    });
  };
}
