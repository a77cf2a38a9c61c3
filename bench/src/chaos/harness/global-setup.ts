/**
 * Builds what the chaos suite runs as child processes (the bench's gateway main, and the SMS and
 * email gateways for their webhooks): node runs them from dist/, so they must be current.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const ENTRIES = [
  "bench/dist/gateway/child-main.js",
  "apps/telegram/dist/gateway.js",
  "apps/sms/dist/main.js",
  "apps/email/dist/main.js",
];

/** vitest global setup. */
export default function setup(): void {
  const filters = ["@switchboard/bench...", "@switchboard/sms", "@switchboard/email"].map((f) => `--filter=${f}`);
  const result = spawnSync("pnpm", ["exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status === 0) return;
  const missing = ENTRIES.filter((entry) => !existsSync(root + entry));
  if (missing.length > 0)
    throw new Error(`building the gateways for the chaos suite failed; missing ${missing.join(", ")}`);
  // A package mid-edit in a shared working tree: run against its last good build rather than not at all.
  console.warn("chaos: the build failed; running against the existing dist/ of every gateway");
}
