/**
 * @module env — the one place the SMS gateway reads the environment.
 */
import type { GatewayEnvironment } from "@switchboard/core";
import { z } from "zod";
import { DEFAULT_API_BASE_URL } from "./twilio/http-client.js";

const schema = z.object({
  TWILIO_API_BASE_URL: z
    .string()
    .url({ message: "TWILIO_API_BASE_URL must be an absolute URL" })
    .refine((v) => /^https?:\/\//.test(v), "TWILIO_API_BASE_URL must be http(s)")
    .default(DEFAULT_API_BASE_URL),
});

/** The SMS gateway's own configuration (`setup`'s second argument). */
export interface SmsEnv {
  /** TWILIO_API_BASE_URL: where every Twilio REST call goes; media are fetched only from here. */
  apiBaseUrl: string;
  /** Delays between tries of a media download Twilio answers 404 to (default 0.5 s, 1 s, 2 s; tests shorten them). */
  mediaRetryDelaysMs?: number[];
}

/**
 * Reads and validates the SMS gateway's variables (an empty value means the default); core's own
 * variables go to core, which checks them. Throws a plain `Error` saying what is wrong.
 */
export function readSmsEnv(source: Record<string, string | undefined> = process.env): GatewayEnvironment<SmsEnv> {
  const value = source.TWILIO_API_BASE_URL?.trim() || undefined;
  const parsed = schema.safeParse({ TWILIO_API_BASE_URL: value });
  if (!parsed.success)
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return { core: source, gateway: { apiBaseUrl: parsed.data.TWILIO_API_BASE_URL.replace(/\/+$/, "") } };
}
