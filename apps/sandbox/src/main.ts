/**
 * @module main — `pnpm start`: starts the sandbox, prints the banner, stops everything on Ctrl-C.
 */
import { formatBanner, formatGatewayLine } from "./banner.js";
import { inheritedEnv, readSandboxConfig } from "./env.js";
import { startSandbox } from "./sandbox.js";

const startedAt = Date.now();
let config;
try {
  config = readSandboxConfig();
} catch (error) {
  console.error(`[sandbox] ${(error as Error).message}`);
  process.exit(1);
}

console.warn("[sandbox] starting the CRM simulator, the fakes and the gateways…");
let sandbox;
try {
  sandbox = await startSandbox(config, {
    inherited: inheritedEnv(),
    onGatewayOutput: (channel, line) => console.warn(formatGatewayLine(channel, line)),
  });
} catch (error) {
  console.error(`[sandbox] could not start: ${(error as Error).message}`);
  process.exit(1);
}
process.stdout.write(formatBanner(sandbox, config.dataDir, Date.now() - startedAt));

let stopping = false;
const shutdown = (signal: string) => {
  // Ctrl-C can arrive twice (from the terminal and from turbo): one stop is enough.
  if (stopping) return;
  stopping = true;
  console.warn(`[sandbox] ${signal}: stopping the gateways and the sandbox…`);
  sandbox.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[sandbox] stop failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
