/**
 * @module gateway/child-main — entry of the gateway child process the bench and chaos suite measure
 * and kill: the real Telegram gateway (optionally without its rate limits) or the no-op gateway,
 * run by core's production `runGateway`. It adds one route, `GET /bench/memory`, so the bench can
 * tell V8 heap from native memory.
 */
import { runGateway, type GatewayDefinition } from "@switchboard/core";
import { createTelegramGateway } from "@switchboard/telegram/dist/gateway.js";
import { childGatewayEnv } from "../env.js";
import { createNoopGateway } from "./noop-gateway.js";

/** Path of the memory probe, under LV_PLUGIN_SELF_URI. */
export const MEMORY_PATH = "bench/memory";

const config = childGatewayEnv();
let definition: GatewayDefinition =
  config.kind === "noop"
    ? createNoopGateway({ gated: true })
    : (createTelegramGateway({ apiRoot: config.apiRoot }) as unknown as GatewayDefinition);
if (config.rateLimits === "off") definition = { ...definition, rateLimits: [] };
const routes = definition.routes;
definition = {
  ...definition,
  routes(app, runtime) {
    routes?.(app, runtime);
    app.get(`/${MEMORY_PATH}`, (c) => c.json(process.memoryUsage()));
  },
};
await runGateway(definition, config.env);
