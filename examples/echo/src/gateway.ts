/**
 * @module gateway — the Echo gateway: any channel that speaks a small HTTP-JSON API (send by
 * `POST {apiUrl}/messages`, customer messages and delivery statuses by signed webhooks).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineGateway } from "@switchboard/core";
import { createEchoApi } from "./channel/api.js";
import type { EchoEnv } from "./env.js";
import { createMediaResolver, MEDIA_FILES } from "./files/media.js";
import { createSender } from "./send/send-message.js";
import { settingsForm } from "./settings/form.js";
import { createVerifySettings } from "./settings/verify.js";
import { messagesWebhook } from "./webhook/messages.js";
import { statusesWebhook } from "./webhook/statuses.js";

/** The Echo gateway; `setup` takes its {@link EchoEnv} (`readEchoEnv` in production). */
export const echoGateway = defineGateway({
  name: "echo", // the default database ./data/echo.sqlite, the logs' name
  defaultPort: 8089, // when PORT is not set
  info: {
    name: "Echo",
    description: {
      en_US: "Chat with customers through the Echo channel: messages and files both ways, delivery and read statuses.",
      ru_RU: "Переписка с клиентами через канал Echo: сообщения и файлы в обе стороны, статусы доставки и прочтения.",
    },
  },
  contactType: "uri",
  capabilities: {
    subject: false,
    typing: false,
    messages: {
      formats: ["text"],
      incoming: true,
      outgoing: true,
      writeFirst: true,
      statuses: ["sent", "delivered", "read", "error"],
    },
    attachments: ["image", "file"],
  },
  icon: readFileSync(fileURLToPath(new URL("../assets/icon.png", import.meta.url))),
  settings: settingsForm,
  // The queue waits for these; `send` never has to. The channel allows 20 messages a second per account.
  rateLimits: [{ scope: "tenant", perSecond: 20, burst: 20 }],

  // Called once per running gateway: everything stateful lives in this closure.
  setup(runtime, env: EchoEnv) {
    const api = createEchoApi({ deadlineMs: env.apiDeadlineMs });
    return {
      send: createSender(api),
      verifySettings: createVerifySettings(api, runtime),
      webhooks: { messages: messagesWebhook(runtime), statuses: statusesWebhook() },
      files: { [MEDIA_FILES]: createMediaResolver({ deadlineMs: env.apiDeadlineMs }) },
    };
  },
});

/** The Echo gateway definition (its settings, environment and instance types). */
export type EchoGateway = typeof echoGateway;
