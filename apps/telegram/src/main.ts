/**
 * @module main — production entry: read the environment, build the gateway, serve it.
 */
import { runGateway } from "@switchboard/core";
import { readEnv } from "./env.js";
import { createTelegramGateway } from "./gateway.js";

const { apiRoot, env } = readEnv();
await runGateway(createTelegramGateway({ apiRoot }), () => ({ core: env, gateway: undefined }));
