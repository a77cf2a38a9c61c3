/**
 * Builds what the chaos suite runs as child processes or threads (the bench's gateway main, the
 * fake Bot API's thread, and the SMS and email gateways for their webhooks): node runs them from dist/, so they must be current. A failed
 * build fails the suite (`pnpm test:chaos` also builds them first through turbo's dependsOn).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildOrThrow, ChaosBuildError } from "./build.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const ENTRIES = [
  "bench/dist/gateway/child-main.js",
  "bench/dist/fakes/bot-api-thread-main.js",
  "apps/telegram/dist/gateway.js",
  "apps/sms/dist/main.js",
  "apps/email/dist/main.js",
];

/** vitest global setup. */
export default function setup(): void {
  // The bench and its dependencies, the SMS and email gateways included (devDependencies).
  buildOrThrow({
    command: "pnpm",
    args: ["exec", "turbo", "run", "build", "--filter=@switchboard/bench...", "--output-logs=errors-only"],
    cwd: root,
  });
  const missing = ENTRIES.filter((entry) => !existsSync(root + entry));
  if (missing.length > 0) throw new ChaosBuildError(`chaos: the build left no ${missing.join(", ")}`);
}
