/**
 * @module env — the one place the bench reads the environment: its own knobs and, in the gateway
 * child process, which gateway to run.
 */

/** Knobs of `pnpm bench`. */
export interface BenchOptions {
  /** Seconds of each measured autocannon run (default 10). */
  durationS: number;
  /** Seconds of each fixed-rate end-to-end run (default 20). */
  fixedRateS: number;
  /** Messages queued before the drain (default 100 000). */
  drainMessages: number;
  /** Concurrent autocannon connections (default 64). */
  connections: number;
  /** Only these scenarios (comma separated names), or all. */
  only: string[] | undefined;
  /** Writes a CPU profile of the gateway under accept load into this folder. */
  cpuProfileDir: string | undefined;
  /** Messages the db-size scenario stores (default 1 000 000). */
  dbSizeMessages: number;
  /** Messages of each Bitrix24 scenario's backlog, each way (default 20 000). */
  bitrix24Messages: number;
}

const num = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
};

/** Reads the bench knobs (`BENCH_*`). */
export function benchOptions(env: Record<string, string | undefined> = process.env): BenchOptions {
  return {
    durationS: num(env.BENCH_DURATION_S, 10),
    fixedRateS: num(env.BENCH_FIXED_RATE_S, 20),
    drainMessages: num(env.BENCH_DRAIN_MESSAGES, 100_000),
    connections: num(env.BENCH_CONNECTIONS, 64),
    only: env.BENCH_ONLY ? env.BENCH_ONLY.split(",").map((s) => s.trim()) : undefined,
    cpuProfileDir: env.BENCH_CPU_PROF || undefined,
    dbSizeMessages: num(env.BENCH_DB_SIZE_MESSAGES, 1_000_000),
    bitrix24Messages: num(env.BENCH_BITRIX24_MESSAGES, 20_000),
  };
}

/** The gateways the bench child can run. */
export type BenchGatewayKind = "telegram" | "sms" | "email" | "noop";

const GATEWAY_KINDS: readonly BenchGatewayKind[] = ["telegram", "sms", "email", "noop"];

/** What the gateway child process runs. */
export interface ChildGatewayEnv {
  /** `telegram`, `sms`, `email`: that real gateway; `noop`: a sender that does nothing (queue only). */
  kind: BenchGatewayKind;
  /** `off` drops the gateway's declared rate limits (Telegram's 30/s per bot). */
  rateLimits: "on" | "off";
  /** The whole environment, for core and the gateway's own `env.ts`. */
  env: Record<string, string | undefined>;
}

/** Reads the gateway child's variables (`BENCH_GATEWAY`, default telegram, and `BENCH_RATE_LIMITS`; each gateway reads its own). */
export function childGatewayEnv(env: Record<string, string | undefined> = process.env): ChildGatewayEnv {
  const kind = GATEWAY_KINDS.find((k) => k === env.BENCH_GATEWAY) ?? "telegram";
  return {
    kind,
    rateLimits: env.BENCH_RATE_LIMITS === "off" ? "off" : "on",
    env: { ...env },
  };
}

/** The environment a child process inherits (plus overrides). */
export function inheritedEnv(overrides: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) base[k] = v;
  return { ...base, ...overrides };
}
