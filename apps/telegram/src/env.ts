/**
 * @module env — the one place the Telegram gateway reads its environment.
 */
import { z } from "zod";

const schema = z.object({
  TELEGRAM_API_ROOT: z
    .string()
    .url({ message: "TELEGRAM_API_ROOT must be an absolute URL" })
    .default("https://api.telegram.org")
    // grammY refuses a trailing slash on apiRoot.
    .transform((url) => url.replace(/\/+$/, "")),
});

/** The gateway's own settings plus the whole environment for core. */
export interface TelegramEnv {
  /** Bot API root for API calls and file downloads (no trailing slash). */
  apiRoot: string;
  /** Every variable, handed to core's `runGateway` (it validates its own). */
  env: Record<string, string | undefined>;
}

/** Reads and validates the environment; throws one readable error for bad values. */
export function readEnv(source: Record<string, string | undefined> = process.env): TelegramEnv {
  const parsed = schema.safeParse({ TELEGRAM_API_ROOT: source.TELEGRAM_API_ROOT || undefined });
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return { apiRoot: parsed.data.TELEGRAM_API_ROOT, env: { ...source } };
}
