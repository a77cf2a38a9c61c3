/**
 * @module gateway/child-main — entry of the gateway child process the bench and chaos suite measure
 * and kill: the real Telegram gateway (optionally without its rate limits) or the no-op gateway,
 * run by core's production `runGateway`. It adds one route, `GET /bench/memory`, so the bench can
 * tell V8 heap from native memory.
 */
import { runGateway, type AnyGateway } from "@switchboard/core";
import type { Hono } from "hono";
import { createTelegramGateway } from "@switchboard/telegram/dist/gateway.js";
import { childGatewayEnv } from "../env.js";
import { createNoopGateway } from "./noop-gateway.js";

/** Path of the memory probe, under LV_PLUGIN_SELF_URI. */
export const MEMORY_PATH = "bench/memory";

const config = childGatewayEnv();
let definition: AnyGateway =
  config.kind === "noop" ? createNoopGateway({ gated: true }) : createTelegramGateway({ apiRoot: config.apiRoot });
if (config.rateLimits === "off") definition = { ...definition, rateLimits: [] };
const setup = definition.setup;
definition = {
  ...definition,
  async setup(runtime, env) {
    const instance = await setup(runtime, env);
    return {
      ...instance,
      routes(app: Hono) {
        instance.routes?.(app);
        app.get(`/${MEMORY_PATH}`, (c) => c.json(process.memoryUsage()));
      },
    };
  },
};
await runGateway(definition, () => ({ core: config.env, gateway: undefined }));
