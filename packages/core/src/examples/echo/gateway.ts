// gateway.ts — a complete, working gateway for the (imaginary) Echo messenger. It is the example
// in core's README, compiled and run by core's tests, so the README cannot drift from the contract.
import {
  ChannelNetworkError,
  ChannelRefusedError,
  createGuardedFetch,
  defineGateway,
  defineSettingsForm,
  InvalidInputError,
  sameSecret,
  SettingsValidationError,
  WebhookInputError,
  type WebhookEvent,
} from "../../index.js";
import type { EchoEnv } from "./env.js";

/** Group `main`, fields `apiKey` and `webhookSecret`: `tenant.settings.main.apiKey` is typed from this. */
const settingsForm = defineSettingsForm({
  title: "Echo",
  groups: {
    main: {
      title: "Account",
      fields: {
        apiKey: { type: "password", title: "API key", required: true },
        webhookSecret: { type: "password", title: "Webhook secret", required: true },
      },
    },
  },
});

export const echo = defineGateway({
  name: "echo", // default database ./data/echo.sqlite, log name
  defaultPort: 8090, // when PORT is not set
  info: { name: { en_US: "Echo", ru_RU: "Эхо" }, description: "Chat through the Echo messenger" },
  contactType: "uri",
  capabilities: {
    subject: false,
    messages: {
      formats: ["text"],
      incoming: true,
      outgoing: true,
      writeFirst: true,
      statuses: ["sent", "delivered", "error"],
    },
    attachments: [],
  },
  icon: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
  settings: settingsForm,
  rateLimits: [{ scope: "contact", perSecond: 1, burst: 3 }], // the queue waits, `send` never has to

  // Called once per running gateway: everything stateful lives in this closure.
  setup(runtime, env: EchoEnv) {
    // Every outbound request goes through core's guard: address policy, pinned connection, total deadline.
    const api = createGuardedFetch({ deadlineMs: 15_000, what: "Echo API", keepAlive: true });
    const call = async (path: string, apiKey: string, body: unknown, signal?: AbortSignal) => {
      try {
        return await api(`${env.apiBase}/${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal,
        });
      } catch (cause) {
        throw new ChannelNetworkError("Echo: API unreachable", { cause }); // retried with backoff
      }
    };

    return {
      // Called by the queue for each message; throw a named error to fail it.
      async send({ tenant, signal }, { chat, message }) {
        if (!chat.contact.startsWith("echo://")) throw new InvalidInputError("Echo: not an echo:// contact");
        const apiKey = tenant.settings.main?.apiKey; // absent until the settings are first saved
        if (!apiKey) throw new ChannelRefusedError("Echo: no API key is saved in the settings", { permanent: true });
        const res = await call("send", apiKey, { to: chat.contact, text: message.content?.text ?? "" }, signal);
        if (!res.ok) {
          throw new ChannelRefusedError(`Echo: the API answered ${res.status}`, {
            permanent: res.status < 500 && res.status !== 429, // an error status at once
            code: res.status,
            retryAfterMs: Number(res.headers.get("retry-after") ?? NaN) * 1000 || undefined,
          });
        }
        return ((await res.json()) as { id: string }).id; // the channel's message id: statuses come by it
      },

      // Checked before saving: a 400 on the field (in the CRM's language), and nothing saved.
      async verifySettings({ settings, tenant }) {
        const url = runtime.publicUrl(`echo/webhook/${tenant.publicId}`);
        const res = await call("webhook", settings.main.apiKey, { url, secret: settings.main.webhookSecret });
        if (!res.ok) {
          throw new SettingsValidationError({
            main: { apiKey: [{ en_US: "Echo refused this key", ru_RU: "Echo не принял этот ключ" }] },
          });
        }
      },

      // Core owns the route: body within maxBytes (413), tenant by :publicId (404), verify (401),
      // parse (400 on WebhookInputError), each event stored once, the answer at once.
      webhooks: {
        events: {
          path: "echo/webhook/:publicId",
          maxBytes: 64 * 1024,
          verify: (request, tenant) =>
            sameSecret(request.headers.get("x-echo-secret"), tenant.settings.main?.webhookSecret),
          parse: (request) => ({ events: [toEvent(request.json())] }),
        },
      },
    };
  },
});

/** The Echo gateway's type, for `startGateway`'s handle in tests. */
export type EchoGateway = typeof echo;

function toEvent(body: unknown): WebhookEvent {
  const event = (body ?? {}) as { id?: unknown; from?: unknown; text?: unknown; delivered?: unknown };
  if (typeof event.delivered === "string")
    return { kind: "status", channelMessageId: event.delivered, status: "delivered" };
  if (typeof event.id !== "string" || typeof event.from !== "string" || typeof event.text !== "string") {
    throw new WebhookInputError("Echo: an event needs id, from and text");
  }
  return {
    kind: "incoming",
    externalId: event.id, // a redelivered event reaches the CRM once
    message: {
      chat: { contact: event.from },
      message: { content: { text: event.text, format: "text" }, attachments: [] },
    },
  };
}
