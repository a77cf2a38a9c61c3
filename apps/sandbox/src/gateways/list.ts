/**
 * @module gateways/list — every gateway the sandbox runs, in the order the pages list them. Adding a
 * gateway to the sandbox is one entry here (and its package in the sandbox's dependencies).
 */
import { echoSandbox } from "@switchboard/example-echo/sandbox";
import { chatGateway } from "./chat-gateway.js";
import { emailSandbox } from "./email.js";
import type { SandboxGateway } from "./sandbox-gateway.js";
import { smsSandbox } from "./sms.js";
import { telegramSandbox } from "./telegram.js";

/** The sandbox's gateways. */
export const SANDBOX_GATEWAYS: readonly SandboxGateway[] = [
  telegramSandbox,
  smsSandbox,
  emailSandbox,
  chatGateway(echoSandbox),
];

/** Every channel's name, in the same order. */
export const CHANNELS: readonly string[] = SANDBOX_GATEWAYS.map((g) => g.name);
