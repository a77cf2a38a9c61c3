/**
 * @module gateways/gateway-env — the environment each gateway process gets: core's variables
 * (public URL, port, SQLite file under the data folder, the simulated CRM as token issuer) and the
 * gateway's own variables from its declaration, pointing at its fake.
 */
import { join } from "node:path";

/** What the environments are built from. */
export interface GatewayEnvInput {
  channel: string;
  port: number;
  dataDir: string;
  logLevel: string;
  /** The CRM simulator's issuer variables (`crm.env`). */
  crmEnv: Record<string, string>;
  /** The gateway's own variables (its declaration's `env`). */
  own: Record<string, string>;
  /** Prefixes of variables meant for one gateway (every declaration's), dropped from the inherited ones. */
  variablePrefixes: readonly string[];
  /** Inherited variables (PATH…); the sandbox's own values win over them. */
  inherited?: Record<string, string | undefined>;
}

/** The public base URL of a gateway on loopback (trailing slash, as core normalises it). */
export function gatewayUrl(port: number): string {
  return `http://127.0.0.1:${port}/`;
}

/** The full environment of one gateway process. */
export function gatewayEnv(input: GatewayEnvInput): Record<string, string | undefined> {
  const core: Record<string, string> = {
    ...input.crmEnv,
    LV_PLUGIN_SELF_URI: gatewayUrl(input.port),
    PORT: String(input.port),
    HOST: "127.0.0.1",
    SWITCHBOARD_DB_PATH: join(input.dataDir, `${input.channel}.sqlite`),
    // Attachments come from the sandbox and the fakes, all on loopback.
    SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
    LOG_LEVEL: input.logLevel,
    // Ctrl-C should not wait long for sends to a fake.
    SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: "3000",
  };
  return { ...withoutGatewayVariables(input.inherited ?? {}, input.variablePrefixes), ...core, ...input.own };
}

const SINGLE_GATEWAY = new Set(["PORT", "HOST", "SWITCHBOARD_DB_PATH", "SWITCHBOARD_FILES_DIR", "SWITCHBOARD_HOSTS"]);

/** Drops inherited variables meant for a single gateway, so a shell's PORT or DB path cannot leak into all of them. */
function withoutGatewayVariables(
  env: Record<string, string | undefined>,
  prefixes: readonly string[],
): Record<string, string | undefined> {
  const single = (name: string) =>
    SINGLE_GATEWAY.has(name) || name.startsWith("LV_PLUGIN_") || prefixes.some((prefix) => name.startsWith(prefix));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !single(name)));
}
