/**
 * A tiny in-test gateway that drives core: its sender is scripted by each test, its webhook
 * forwards whatever is posted, and its file resolver serves the key back.
 */
import { deflateSync } from "node:zlib";
import { defineGateway } from "../gateway/define-gateway.js";
import type { GatewayDefinition, OutgoingMessage, SendContext, SendResult, WebhookEvent } from "../gateway/types.js";
import { defineSettingsForm } from "../settings/form.js";
import { SettingsValidationError, WebhookInputError } from "../errors.js";

/** A 1x1 transparent PNG, enough to be a valid image. */
export function tinyPng(): Uint8Array {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from([0, 0, 0, 0, 0]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The echo gateway plus handles to script and observe it. */
export interface EchoGateway {
  definition: GatewayDefinition;
  calls: OutgoingMessage[];
  /** Replaces the sender's behaviour (default: succeed with id `echo-<queueId>`). */
  behave(fn: (message: OutgoingMessage, signal: AbortSignal, ctx: SendContext) => Promise<SendResult>): void;
}

/** Builds a fresh echo gateway. */
export function createEchoGateway(options: { rateLimits?: GatewayDefinition["rateLimits"] } = {}): EchoGateway {
  const calls: OutgoingMessage[] = [];
  let behaviour = async (m: OutgoingMessage, _signal: AbortSignal, _ctx: SendContext): Promise<SendResult> =>
    `echo-${m.queueId}`;
  const definition = defineGateway({
    name: "echo",
    defaultPort: 0,
    info: {
      name: { en_US: "Echo chat", ru_RU: "Эхо-чат" },
      description: { en_US: "Echoes **everything**", ru_RU: "Повторяет **всё**" },
      developer: { name: "Switchboard", email: "Dev@Example.ORG", hostname: "https://Example.org/" },
    },
    contactType: "uri",
    capabilities: {
      subject: false,
      messages: {
        formats: ["text", "markdown"],
        incoming: true,
        outgoing: true,
        writeFirst: true,
        statuses: ["sent", "delivered", "read", "error"],
      },
      attachments: ["file"],
    },
    icon: tinyPng(),
    settings: defineSettingsForm({
      title: { en_US: "Echo settings", ru_RU: "Настройки эха" },
      groups: {
        main: {
          title: "Main",
          fields: {
            apiKey: { type: "password", title: { en_US: "API key", ru_RU: "Ключ API" }, required: true },
            greeting: { type: "string", title: "Greeting", default: "hi" },
            retries: {
              type: "integer",
              title: "Retries",
              default: 3,
              validate: (v) => ((v as number) > 10 ? "At most 10" : undefined),
            },
            status: { type: "markdownPreview", title: "Status", previewer: "status" },
          },
        },
      },
    }),
    rateLimits: options.rateLimits,
    setup: (runtime) => ({
      send: (ctx, message) => {
        calls.push(message);
        return behaviour(message, ctx.signal, ctx);
      },
      async verifySettings({ settings }) {
        if (settings.main?.apiKey === "wrong") {
          throw new SettingsValidationError({
            main: { apiKey: [{ en_US: "The service refused this key", ru_RU: "Сервис не принял этот ключ" }] },
          });
        }
      },
      previews: {
        status: (tenant, input) =>
          `**${tenant ? "registered" : "unknown"}** greeting=${String(input.settings.main?.greeting)}`,
        webhook: {
          settingsAccess: true,
          render: (tenant) => `Post to \`${runtime.publicUrl(`echo/webhook/${tenant?.publicId}`)}\``,
        },
      },
      autocompletes: {
        colors: ({ query }) =>
          ["red", "green"].filter((c) => String(query).length === 0 || c.startsWith(String(query))),
      },
      files: {
        echo: async (_tenant, key) => ({
          body: Buffer.from(`file:${key}`),
          contentType: "text/plain",
          fileName: "echo.txt",
        }),
        // Serves a file of whatever type the key names, as a channel's media could claim.
        typed: async (_tenant, key) => ({
          body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
          contentType: key,
          fileName: "media",
        }),
      },
      webhooks: {
        // `{id?, from, text}` is a customer's message; `{status: {of, is}}` a status of ours.
        update: {
          path: "echo/webhook/:publicId",
          maxBytes: 64 * 1024,
          verify: (request) => request.headers.get("x-echo-secret") !== "wrong",
          parse: (request) => ({ events: [echoEvent(request.json())] }),
        },
      },
    }),
  });
  return { definition, calls, behave: (fn) => (behaviour = fn) };
}

function echoEvent(body: unknown): WebhookEvent {
  if (!body || typeof body !== "object") throw new WebhookInputError("Body must be a JSON object");
  const { id, from, text, status } = body as {
    id?: string;
    from?: string;
    text?: string;
    status?: { of: string; is: "delivered" | "read" | "error" };
  };
  if (status) return { kind: "status", channelMessageId: status.of, status: status.is };
  if (typeof from !== "string" || typeof text !== "string") throw new WebhookInputError("from and text are required");
  return {
    kind: "incoming",
    message: { chat: { contact: from }, message: { content: { text, format: "text" }, attachments: [] } },
    externalId: id,
  };
}
