/**
 * @module server/run-gateway — the production entry point: read the environment, start, log, and
 * stop cleanly on signals.
 */
import type { AnyGateway, EnvOfGateway } from "../gateway/types.js";
import { selectHosts } from "../hosts/select-hosts.js";
import type { AnyHost } from "../hosts/types.js";
import { createLogger } from "../logger.js";
import { loadCoreConfig } from "../env.js";
import { startGateway, type StartGatewayOptions } from "./start-gateway.js";

/** What an app's `env.ts` reads: core's variables, and the gateway's own environment for `setup`. */
export interface GatewayEnvironment<E> {
  core: Record<string, string | undefined>;
  gateway: E;
}

/** What an app serves besides its gateway: the CRM hosts it can run (`SWITCHBOARD_HOSTS` picks). */
export interface RunGatewayOptions {
  hosts: readonly AnyHost[];
}

/**
 * The environment with a local run's defaults: outside production, LV_PLUGIN_SELF_URI is
 * `http://localhost:<PORT or the default port>/` and HOST loopback unless set (production must say
 * where the CRM reaches it). The CLI reads the same, so it names the same public URLs.
 */
export function withLocalDefaults(
  gateway: Pick<AnyGateway, "defaultPort">,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  if (env.LV_PLUGIN_SELF_URI || env.NODE_ENV === "production") return env;
  const port = env.PORT ?? String(gateway.defaultPort);
  return { ...env, LV_PLUGIN_SELF_URI: `http://localhost:${port}/`, HOST: env.HOST ?? "127.0.0.1" };
}

/**
 * Runs a gateway until SIGTERM/SIGINT; in-flight sends get the shutdown deadline, the rest stay
 * queued. `readEnv` is the app's one reader of `process.env`; whatever it, core's configuration
 * or a running host's `readEnv` refuses is printed as one `[name] …` line and the process exits 1.
 */
export async function runGateway<G extends AnyGateway>(
  gateway: G,
  readEnv: () => GatewayEnvironment<EnvOfGateway<G>>,
  { hosts }: RunGatewayOptions,
): Promise<void> {
  let env: Record<string, string | undefined>;
  let gatewayEnv: EnvOfGateway<G>;
  let config;
  try {
    ({ core: env, gateway: gatewayEnv } = readEnv());
    env = withLocalDefaults(gateway, env);
    config = loadCoreConfig(env);
    selectHosts(config.hosts, hosts, env);
  } catch (error) {
    console.error(`[${gateway.name}] ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ level: config.logLevel, name: gateway.name });
  let handle;
  try {
    const options: StartGatewayOptions<EnvOfGateway<G>> = { env, gatewayEnv, logger, host: config.host, hosts };
    handle = await (startGateway as (g: AnyGateway, o: typeof options) => ReturnType<typeof startGateway<G>>)(
      gateway,
      options,
    );
  } catch (error) {
    // E.g. a stored secret no configured key opens: one clear line, never a key, and exit 1
    // (a setup may have left servers open that would keep the process alive).
    logger.fatal({ event: "gateway.start_failed", err: error }, `${gateway.name} gateway could not start`);
    process.exit(1);
  }
  logger.info(
    { event: "gateway.listening", url: handle.url, port: handle.port, address: config.host },
    `${gateway.name} gateway listening`,
  );
  const shutdown = (signal: string) => {
    logger.info({ event: "gateway.stopping", signal }, "shutting down");
    handle
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ event: "gateway.stop_failed", err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}
