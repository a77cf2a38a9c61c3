/**
 * @module env — the one place the Bitrix24 host reads the environment. The names are the
 * contract of issue 13: BITRIX24_CLIENT_ID, BITRIX24_CLIENT_SECRET, BITRIX24_OAUTH_URL,
 * BITRIX24_RATE_PER_SECOND, BITRIX24_RATE_BURST.
 */
import { z } from "zod";

/** Bitrix24's authorisation server (settings/oauth/index.md in bitrix24/b24restdocs). */
export const DEFAULT_OAUTH_URL = "https://oauth.bitrix.info";
/**
 * The cloud portal's leaky bucket on every plan but Enterprise: it drains 2 requests a second and
 * blocks above 50 (limits.md in bitrix24/b24restdocs; Enterprise is 5/s and 250).
 */
export const DEFAULT_RATE_PER_SECOND = 2;
export const DEFAULT_RATE_BURST = 50;

/** The Bitrix24 host's configuration. */
export interface Bitrix24Env {
  /** BITRIX24_CLIENT_ID: the app's `client_id` (`local.…` for a local app, `app.…` for a market app). */
  clientId: string;
  /** BITRIX24_CLIENT_SECRET: the app's `client_secret`; only ever sent to the OAuth server. */
  clientSecret: string;
  /** BITRIX24_OAUTH_URL: the OAuth server's origin, without a trailing slash. */
  oauthUrl: string;
  /** BITRIX24_RATE_PER_SECOND: requests per second each portal is sent on average. */
  ratePerSecond: number;
  /** BITRIX24_RATE_BURST: requests a portal may be sent at once after a quiet spell. */
  rateBurst: number;
}

const positiveNumber = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .refine((v) => Number.isFinite(v) && v > 0, `${name} must be a number above 0`);

const schema = z.object({
  BITRIX24_CLIENT_ID: z
    .string({ message: "BITRIX24_CLIENT_ID is required (the app's client_id)" })
    .min(1, "BITRIX24_CLIENT_ID is required (the app's client_id)"),
  BITRIX24_CLIENT_SECRET: z
    .string({ message: "BITRIX24_CLIENT_SECRET is required (the app's client_secret)" })
    .min(1, "BITRIX24_CLIENT_SECRET is required (the app's client_secret)"),
  BITRIX24_OAUTH_URL: z
    .string()
    .url({ message: "BITRIX24_OAUTH_URL must be an absolute URL" })
    .refine((v) => /^https?:\/\//i.test(v), "BITRIX24_OAUTH_URL must be http(s)")
    .default(DEFAULT_OAUTH_URL),
  BITRIX24_RATE_PER_SECOND: positiveNumber("BITRIX24_RATE_PER_SECOND").default(DEFAULT_RATE_PER_SECOND),
  BITRIX24_RATE_BURST: positiveNumber("BITRIX24_RATE_BURST")
    .refine((v) => Number.isInteger(v), "BITRIX24_RATE_BURST must be a whole number")
    .default(DEFAULT_RATE_BURST),
});

const NAMES = [
  "BITRIX24_CLIENT_ID",
  "BITRIX24_CLIENT_SECRET",
  "BITRIX24_OAUTH_URL",
  "BITRIX24_RATE_PER_SECOND",
  "BITRIX24_RATE_BURST",
] as const;

/**
 * Reads and validates the Bitrix24 variables (an empty value means the default). Throws a plain
 * `Error` naming every variable that is wrong; values are never echoed, so the secret cannot leak.
 */
export function readBitrix24Env(source: Record<string, string | undefined> = process.env): Bitrix24Env {
  const input: Record<string, string | undefined> = {};
  for (const name of NAMES) input[name] = source[name]?.trim() || undefined;
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new Error(`Invalid Bitrix24 configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return {
    clientId: parsed.data.BITRIX24_CLIENT_ID,
    clientSecret: parsed.data.BITRIX24_CLIENT_SECRET,
    oauthUrl: parsed.data.BITRIX24_OAUTH_URL.replace(/\/+$/, ""),
    ratePerSecond: parsed.data.BITRIX24_RATE_PER_SECOND,
    rateBurst: parsed.data.BITRIX24_RATE_BURST,
  };
}
