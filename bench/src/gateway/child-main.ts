/**
 * @module gateway/child-main — entry of the gateway child process the bench and chaos suite measure
 * and kill: the real Telegram gateway (optionally without its rate limits) or the no-op gateway,
 * run by core's production `runGateway` for the hosts SWITCHBOARD_HOSTS picks (salesrender by default,
 * bitrix24 too in the Bitrix24 chaos scenarios). SIGUSR2 opens the no-op gateway's gate.
 */
import { runGateway, type AnyGateway, type GatewayEnvironment } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { readTelegramEnv } from "@switchboard/telegram/dist/env.js";
import { telegram } from "@switchboard/telegram/dist/gateway.js";
import { childGatewayEnv } from "../env.js";
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

// The Telegram gateway reads its own variables (TELEGRAM_API_ROOT) from the child's environment.
const readEnv = (): GatewayEnvironment<unknown> =>
  config.kind === "noop" ? { core: config.env, gateway: undefined } : readTelegramEnv(config.env);
await runGateway(measured(config.kind === "noop" ? noopGateway() : telegram), readEnv, {
  hosts: [salesrender, bitrix24],
});
