/**
 * @module env — the one place the deploy test reads its own environment: how to run pnpm and turbo.
 */

/**
 * The command that runs pnpm: the pnpm that runs this test (`npm_execpath`, set by `pnpm test`
 * and turbo's pnpm tasks), else `pnpm` from `PATH`.
 */
export function pnpmCommand(env: NodeJS.ProcessEnv = process.env): { command: string; prefix: string[] } {
  const execPath = env.npm_execpath;
  if (execPath && /pnpm(\.c?js)?$/.test(execPath)) {
    return execPath.endsWith("js")
      ? { command: process.execPath, prefix: [execPath] }
      : { command: execPath, prefix: [] };
  }
  return { command: "pnpm", prefix: [] };
}

/**
 * The environment pnpm and turbo run in: the caller's, so they find their store and configuration,
 * with turbo's telemetry off (tests talk to loopback only).
 */
export function toolEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TURBO_TELEMETRY_DISABLED: "1" };
}
