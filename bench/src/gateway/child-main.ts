/**
 * @module gateway/child-main — entry of the gateway child process the bench and chaos suite measure
 * and kill: the real Telegram gateway (optionally without its rate limits) or the no-op gateway,
 * run by core's production `runGateway`.
 */
import { runGateway, type GatewayDefinition } from "@switchboard/core";
import { createTelegramGateway } from "@switchboard/telegram/dist/gateway.js";
import { childGatewayEnv } from "../env.js";
import { createNoopGateway } from "./noop-gateway.js";

const config = childGatewayEnv();
let definition: GatewayDefinition =
  config.kind === "noop"
    ? createNoopGateway({ gated: true })
    : (createTelegramGateway({ apiRoot: config.apiRoot }) as unknown as GatewayDefinition);
if (config.rateLimits === "off") definition = { ...definition, rateLimits: [] };
await runGateway(definition, config.env);
