/**
 * @module env — the one place the Telegram gateway reads its environment.
 */
import type { GatewayEnvironment } from "@switchboard/core";
import { z } from "zod";

const schema = z.object({
  TELEGRAM_API_ROOT: z
    .string()
    .url({ message: "TELEGRAM_API_ROOT must be an absolute URL" })
    .default("https://api.telegram.org")
    // grammY refuses a trailing slash on apiRoot.
    .transform((url) => url.replace(/\/+$/, "")),
});

/** The Telegram gateway's own environment (`setup`'s second argument). */
export interface TelegramEnv {
  /** Bot API root for API calls and file downloads (`TELEGRAM_API_ROOT`, no trailing slash). */
  apiRoot: string;
}

/** Reads and validates the environment: core's variables for core, `TELEGRAM_API_ROOT` for the gateway. */
export function readTelegramEnv(
  source: Record<string, string | undefined> = process.env,
): GatewayEnvironment<TelegramEnv> {
  const parsed = schema.safeParse({ TELEGRAM_API_ROOT: source.TELEGRAM_API_ROOT || undefined });
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return { core: { ...source }, gateway: { apiRoot: parsed.data.TELEGRAM_API_ROOT } };
}
