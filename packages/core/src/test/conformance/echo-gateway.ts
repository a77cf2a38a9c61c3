/**
 * @module conformance/test/echo-gateway — the smallest real gateway on core, talking to the echo provider.
 */
import { timingSafeEqual } from "node:crypto";
import {
  defineGateway,
  ChannelNetworkError,
  ChannelRefusedError,
  SettingsValidationError,
  WebhookInputError,
} from "../../index.js";
import { ECHO_SIGNATURE_HEADER, echoSignature } from "./echo-provider.js";

const ONE_PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** The echo webhook's body limit: its events are a few hundred bytes. */
export const ECHO_WEBHOOK_LIMIT = 64 * 1024;

/** Builds an echo gateway whose provider API lives at `providerUrl`. */
export function echoGateway(providerUrl: string) {
  const call = async (path: string, apiKey: string, method: string, body: unknown): Promise<Response> => {
    try {
      return await fetch(new URL(path, providerUrl), {
        method,
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new ChannelNetworkError("[echo] provider unreachable", { cause: error });
    }
  };

  return defineGateway({
    name: "echo",
    defaultPort: 0,
    info: {
      name: { en_US: "Echo chat", ru_RU: "Эхо-чат" },
      description: { en_US: "Sends through the echo provider", ru_RU: "Отправляет через эхо-провайдера" },
    },
    contactType: "uri",
    capabilities: {
      subject: false,
      messages: { formats: ["text"], incoming: true, outgoing: true, writeFirst: true, statuses: ["sent", "error"] },
      attachments: [],
    },
    icon: ONE_PIXEL_PNG,
    settings: {
      title: { en_US: "Echo settings", ru_RU: "Настройки эха" },
      groups: {
        account: {
          title: "Account",
          fields: {
            apiKey: { type: "password", title: "API key", required: true },
            senderName: { type: "string", title: "Sender name" },
          },
        },
      },
    },
    setup: (runtime) => ({
      async send({ tenant }, message) {
        const { apiKey } = tenant.settings.account!;
        const res = await call("send", apiKey, "POST", {
          to: message.chat.contact,
          text: message.message.content?.text ?? "",
        });
        const body = (await res.json()) as { id?: string; error?: string };
        if (res.ok && body.id) return body.id;
        throw new ChannelRefusedError(`[echo] ${body.error ?? res.status}`, {
          permanent: res.status < 500,
          code: res.status,
        });
      },
      async verifySettings({ settings, tenant }) {
        const { apiKey } = settings.account!;
        const res = await call("webhook", apiKey, "PUT", { url: runtime.publicUrl(`echo/webhook/${tenant.publicId}`) });
        if (!res.ok) throw new SettingsValidationError({ account: { apiKey: ["The provider refused this key"] } });
      },
      webhooks: {
        message: {
          path: "echo/webhook/:publicId",
          maxBytes: ECHO_WEBHOOK_LIMIT,
          verify(request, tenant) {
            const given = Buffer.from(request.headers.get(ECHO_SIGNATURE_HEADER) ?? "");
            const expected = Buffer.from(echoSignature(tenant.settings.account!.apiKey, request.text()));
            return given.length === expected.length && timingSafeEqual(given, expected);
          },
          parse(request) {
            const { id, from, text } = (request.json() ?? {}) as { id?: string; from?: string; text?: string };
            if (typeof from !== "string" || typeof text !== "string")
              throw new WebhookInputError("from and text are required");
            return {
              events: [
                {
                  kind: "incoming",
                  message: { chat: { contact: from }, message: { content: { text, format: "text" }, attachments: [] } },
                  externalId: id,
                },
              ],
            };
          },
        },
      },
    }),
  });
}
