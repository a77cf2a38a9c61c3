/**
 * @module gateways/locate — where a gateway's built entry point is.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of the package's `dist/main.js`; throws a readable error when it is not built. */
export function gatewayEntry(packageName: string): string {
  const entry = join(dirname(require.resolve(`${packageName}/package.json`)), "dist", "main.js");
  if (!existsSync(entry)) {
    throw new Error(
      `${packageName} is not built (${entry} is missing): run "pnpm turbo run build --filter=@switchboard/sandbox..."`,
    );
  }
  return entry;
}
