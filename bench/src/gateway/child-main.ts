/**
 * @module gateway/child-main — entry of the gateway child process the bench and chaos suite measure
 * and kill: the real Telegram, SMS or email gateway from its dist/ (optionally without its rate
 * limits) or the no-op gateway, run by core's production `runGateway` for the hosts
 * SWITCHBOARD_HOSTS picks (salesrender by default, bitrix24 too in the Bitrix24 chaos scenarios).
 * SIGUSR2 opens the no-op gateway's gate; a `memory` message on the IPC channel is answered with
 * `process.memoryUsage()`.
 */
import { runGateway, type AnyGateway, type GatewayEnvironment } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { childGatewayEnv } from "../env.js";
import type { MemoryAnswer, MemoryQuestion } from "./gateway-process.js";
import { createNoopGateway, OPEN_GATE_SIGNAL } from "./noop-gateway.js";

const config = childGatewayEnv();

/** The gateway as measured: its rate limits dropped when asked. */
function measured(gateway: AnyGateway): AnyGateway {
  return config.rateLimits === "off" ? { ...gateway, rateLimits: [] } : gateway;
}

function noopGateway(): AnyGateway {
  const noop = createNoopGateway({ gated: true });
  // A signal, not a route: the bench's control stays out of the gateway's HTTP surface.
  process.once(OPEN_GATE_SIGNAL, noop.open);
  return noop.gateway;
}

interface Chosen {
  gateway: AnyGateway;
  readEnv: () => GatewayEnvironment<unknown>;
}

/**
 * Loads only the gateway asked for: another's libraries (twilio, nodemailer, grammY) would add to
 * the start time and the RSS the bench measures. Each reads its own variables (TELEGRAM_API_ROOT,
 * TWILIO_API_BASE_URL, SMTP_*) from the child's environment.
 */
async function choose(): Promise<Chosen> {
  switch (config.kind) {
    case "noop":
      return { gateway: noopGateway(), readEnv: () => ({ core: config.env, gateway: undefined }) };
    case "sms": {
      const [{ sms }, { readSmsEnv }] = await Promise.all([
        import("@switchboard/sms/dist/gateway.js"),
        import("@switchboard/sms/dist/env.js"),
      ]);
      return { gateway: sms as AnyGateway, readEnv: () => readSmsEnv(config.env) };
    }
    case "email": {
      const [{ email }, { readEmailEnv }] = await Promise.all([
        import("@switchboard/email/dist/gateway.js"),
        import("@switchboard/email/dist/env.js"),
      ]);
      return { gateway: email as AnyGateway, readEnv: () => readEmailEnv(config.env) };
    }
    case "telegram": {
      const [{ telegram }, { readTelegramEnv }] = await Promise.all([
        import("@switchboard/telegram/dist/gateway.js"),
        import("@switchboard/telegram/dist/env.js"),
      ]);
      return { gateway: telegram, readEnv: () => readTelegramEnv(config.env) };
    }
  }
}

// The bench asks for the heap figures over IPC rather than a route, like the gate's signal: the
// gateway's HTTP surface stays as shipped. Unref'd, so the channel never keeps the process alive.
process.on("message", (message: unknown) => {
  if ((message as Partial<MemoryQuestion> | null)?.type !== "memory") return;
  process.send?.({ type: "memory", usage: process.memoryUsage() } satisfies MemoryAnswer);
});
process.channel?.unref();

const chosen = await choose();
await runGateway(measured(chosen.gateway), chosen.readEnv, { hosts: [salesrender, bitrix24] });
