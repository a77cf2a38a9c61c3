/**
 * @module main — runs the SMS gateway (`pnpm --filter @switchboard/sms start`).
 */
import { runGateway } from "@switchboard/core";
import { processEnv, readSmsEnv } from "./env.js";
import { createSmsGateway } from "./gateway.js";

const env = processEnv();
let apiBaseUrl: string;
try {
  ({ apiBaseUrl } = readSmsEnv(env));
} catch (error) {
  console.error(`[sms] ${(error as Error).message}`);
  process.exit(1);
}
await runGateway(createSmsGateway({ apiBaseUrl }), () => ({ core: env, gateway: undefined }));
