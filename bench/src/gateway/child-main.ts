/**
 * @module gateway/child-main — entry of the gateway child process the bench and chaos suite measure
 * and kill: the real Telegram gateway (optionally without its rate limits) or the no-op gateway,
 * run by core's production `runGateway`. It adds one route, `GET /bench/memory`, so the bench can
 * tell V8 heap from native memory.
 */
import { runGateway, type AnyGateway, type GatewayEnvironment } from "@switchboard/core";
import type { Hono } from "hono";
import { readTelegramEnv } from "@switchboard/telegram/dist/env.js";
import { telegram } from "@switchboard/telegram/dist/gateway.js";
import { childGatewayEnv } from "../env.js";
import { createNoopGateway } from "./noop-gateway.js";

/** Path of the memory probe, under LV_PLUGIN_SELF_URI. */
export const MEMORY_PATH = "bench/memory";

const config = childGatewayEnv();

/** The gateway as measured: its rate limits dropped when asked, and the memory probe added. */
function measured(gateway: AnyGateway): AnyGateway {
  return {
    ...gateway,
    ...(config.rateLimits === "off" ? { rateLimits: [] } : {}),
    async setup(runtime, env) {
      const instance = await gateway.setup(runtime, env);
      return {
        ...instance,
        routes(app: Hono) {
          instance.routes?.(app);
          app.get(`/${MEMORY_PATH}`, (c) => c.json(process.memoryUsage()));
        },
      };
    },
  };
}

// The Telegram gateway reads its own variables (TELEGRAM_API_ROOT) from the child's environment.
const readEnv = (): GatewayEnvironment<unknown> =>
  config.kind === "noop" ? { core: config.env, gateway: undefined } : readTelegramEnv(config.env);
await runGateway(measured(config.kind === "noop" ? createNoopGateway({ gated: true }) : telegram), readEnv);
