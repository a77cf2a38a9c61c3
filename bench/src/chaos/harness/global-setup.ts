/**
 * Builds what the chaos suite runs as child processes (the bench's gateway main, and the SMS and
 * email gateways for their webhooks): node runs them from dist/, so they must be current.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

/** vitest global setup. */
export default function setup(): void {
  const filters = ["@switchboard/bench...", "@switchboard/sms", "@switchboard/email"].map((f) => `--filter=${f}`);
  const result = spawnSync("pnpm", ["exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`building the gateways for the chaos suite failed (${result.status ?? result.error?.message})`);
}
