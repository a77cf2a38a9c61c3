/**
 * @module env — the one place the Echo gateway reads the environment.
 */
import type { GatewayEnvironment } from "@switchboard/core";
import { z } from "zod";

/** The channel API's total deadline per request when ECHO_API_DEADLINE_MS is not set. */
export const DEFAULT_API_DEADLINE_MS = 15_000;

const schema = z.object({
  ECHO_API_DEADLINE_MS: z.coerce
    .number({ message: "ECHO_API_DEADLINE_MS must be a number of milliseconds" })
    .int({ message: "ECHO_API_DEADLINE_MS must be a whole number of milliseconds" })
    .min(100, { message: "ECHO_API_DEADLINE_MS must be at least 100" })
    .max(600_000, { message: "ECHO_API_DEADLINE_MS must be at most 600000" })
    .default(DEFAULT_API_DEADLINE_MS),
});

/** The Echo gateway's own configuration (`setup`'s second argument). */
export interface EchoEnv {
  /** ECHO_API_DEADLINE_MS: the total deadline of one request to the channel's API, body included. */
  apiDeadlineMs: number;
}

/**
 * Reads and validates the Echo gateway's variables (an empty value means the default); core's own
 * variables go to core, which checks them. Throws a plain `Error` saying what is wrong.
 */
export function readEchoEnv(source: Record<string, string | undefined> = process.env): GatewayEnvironment<EchoEnv> {
  const parsed = schema.safeParse({ ECHO_API_DEADLINE_MS: source.ECHO_API_DEADLINE_MS?.trim() || undefined });
  if (!parsed.success)
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return { core: source, gateway: { apiDeadlineMs: parsed.data.ECHO_API_DEADLINE_MS } };
}
