/**
 * @module gateways/locate — where each gateway's built entry point is.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Channel } from "../channels.js";

const require = createRequire(import.meta.url);

const PACKAGES: Record<Channel, string> = {
  telegram: "@switchboard/telegram",
  sms: "@switchboard/sms",
  email: "@switchboard/email",
};

/** Absolute path of `apps/<channel>/dist/main.js`; throws a readable error when it is not built. */
export function gatewayEntry(channel: Channel): string {
  const packageName = PACKAGES[channel];
  const entry = join(dirname(require.resolve(`${packageName}/package.json`)), "dist", "main.js");
  if (!existsSync(entry)) {
    throw new Error(
      `${packageName} is not built (${entry} is missing): run "pnpm turbo run build --filter=@switchboard/sandbox..."`,
    );
  }
  return entry;
}
