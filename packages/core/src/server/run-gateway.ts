/**
 * @module server/run-gateway — the production entry point: start, log, and stop cleanly on signals.
 */
import type { GatewayDefinition } from "../gateway/types.js";
import { createLogger } from "../logger.js";
import { loadCoreConfig } from "../env.js";
import type { SettingsData } from "../settings/form.js";
import { startGateway } from "./start-gateway.js";

/** Runs a gateway until SIGTERM/SIGINT; in-flight sends get the shutdown deadline, the rest stay queued. */
export async function runGateway<S extends SettingsData>(
  gateway: GatewayDefinition<S>,
  env: Record<string, string | undefined>,
): Promise<void> {
  let config;
  if (!env.LV_PLUGIN_SELF_URI && env.NODE_ENV !== "production") {
    // A local run needs no setup; production must say where the CRM reaches it.
    const port = env.PORT ?? String(gateway.defaultPort);
    env = { ...env, LV_PLUGIN_SELF_URI: `http://localhost:${port}/`, HOST: env.HOST ?? "127.0.0.1" };
  }
  try {
    config = loadCoreConfig(env);
  } catch (error) {
    console.error(`[${gateway.name}] ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ level: config.logLevel, name: gateway.name });
  let handle;
  try {
    handle = await startGateway(gateway, { env, logger, host: config.host });
  } catch (error) {
    // E.g. a stored secret no configured key opens: one clear line, never a key, and exit 1
    // (a start hook may have left servers open that would keep the process alive).
    logger.fatal({ err: error }, `${gateway.name} gateway could not start`);
    process.exit(1);
  }
  logger.info({ url: handle.url, port: handle.port, host: config.host }, `${gateway.name} gateway listening`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    handle
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}
