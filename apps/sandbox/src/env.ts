/**
 * @module env — the one place the sandbox reads its environment: ports, data folder, log level.
 */
import { fileURLToPath } from "node:url";
import { SANDBOX_GATEWAYS } from "./gateways/list.js";
import type { SandboxGateway } from "./gateways/sandbox-gateway.js";

/** Where every part of the sandbox listens and keeps its files. */
export interface SandboxConfig {
  /** The inbox and customer pages (0: a free port). */
  port: number;
  /**
   * The gateways' ports by their variables (`TELEGRAM_PORT`, `SMTP_INBOUND_PORT`, … as each
   * gateway's declaration names them); a variable missing here means 0, a free port.
   */
  gatewayPorts: ReadonlyMap<string, number>;
  /**
   * The simulated CRM's port (default 3001; 0 or unset: a free one). Gateways pin each tenant to
   * the origin of the CRM that registered it, so a sandbox restarted on the same data needs the same port.
   */
  crmPort?: number;
  /** Folder of the gateways' SQLite files. */
  dataDir: string;
  /** Log level of the gateway processes. */
  logLevel: string;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** `./data/` at the repository root: src/ and dist/ both sit three levels below it. */
const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../../data/", import.meta.url));

/** Reads and validates the sandbox's variables; throws one readable error listing every bad one. */
export function readSandboxConfig(
  source: Record<string, string | undefined> = process.env,
  gateways: readonly SandboxGateway[] = SANDBOX_GATEWAYS,
): SandboxConfig {
  const problems: string[] = [];
  const port = (name: string, fallback: number): number => {
    const raw = source[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 0 && value <= 65535) return value;
    problems.push(`${name} must be a port number (0-65535), got "${raw.slice(0, 20)}"`);
    return fallback;
  };
  const config: SandboxConfig = {
    port: port("SANDBOX_PORT", 3000),
    gatewayPorts: new Map(
      gateways.flatMap((g) =>
        Object.values(g.ports).map((spec) => [spec.variable, port(spec.variable, spec.fallback)]),
      ),
    ),
    crmPort: port("SANDBOX_CRM_PORT", 3001),
    dataDir: source.SANDBOX_DATA_DIR?.trim() || DEFAULT_DATA_DIR,
    logLevel: source.LOG_LEVEL?.trim() || "warn",
  };
  if (!LOG_LEVELS.includes(config.logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  if (problems.length) throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  return config;
}

/** The environment the gateway processes inherit (PATH, NODE_OPTIONS, …). */
export function inheritedEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
