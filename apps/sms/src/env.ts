/**
 * @module env — the one place the SMS gateway reads the environment.
 */
import { z } from "zod";
import { DEFAULT_API_BASE_URL } from "./twilio/http-client.js";

const schema = z.object({
  TWILIO_API_BASE_URL: z
    .string()
    .url({ message: "TWILIO_API_BASE_URL must be an absolute URL" })
    .refine((v) => /^https?:\/\//.test(v), "TWILIO_API_BASE_URL must be http(s)")
    .default(DEFAULT_API_BASE_URL),
});

/** The SMS gateway's own configuration. */
export interface SmsEnv {
  /** Where every Twilio REST call goes (no trailing slash); media are fetched only from here. */
  apiBaseUrl: string;
}

/** Reads and validates the SMS gateway's variables (an empty value means the default). */
export function readSmsEnv(env: Record<string, string | undefined> = process.env): SmsEnv {
  const value = env.TWILIO_API_BASE_URL?.trim() || undefined;
  const parsed = schema.safeParse({ TWILIO_API_BASE_URL: value });
  if (!parsed.success)
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return { apiBaseUrl: parsed.data.TWILIO_API_BASE_URL.replace(/\/+$/, "") };
}

/** The process environment, for `runGateway` (core validates its own variables). */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
