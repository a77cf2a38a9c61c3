/**
 * @module scenarios/channel-variants — what the SMS and email scenarios (accept-sms, e2e-email,
 * drain-sms, ...) share: the channel gateways, the stores each runs on (SQLite, then PostgreSQL
 * with one replica), and the row labels that say which gateway and store a figure is of.
 */
import type { BenchOptions } from "../env.js";
import type { ScenarioResult } from "../report/result.js";
import { PG_ONE, SQLITE, type StoreVariant } from "./store-variants.js";

/** A channel gateway measured by the scenarios of this family. */
export type ChannelKind = "sms" | "email";

/** How the table names each gateway. */
export const CHANNEL_NAMES: Readonly<Record<ChannelKind, string>> = { sms: "SMS", email: "email" };

/** What each gateway's fake peer is, for the notes. */
export const PEER_NAMES: Readonly<Record<ChannelKind, string>> = {
  sms: "the lean fake Twilio Messages API",
  email: "a real SMTP server (smtp-server) as the tenant's relay",
};

/** The stores every channel scenario runs on, in order. */
export const CHANNEL_STORES: readonly StoreVariant[] = [SQLITE, PG_ONE];

/** Row prefix: `SMS · SQLite`, `email · PostgreSQL ×1`. */
export function rowLabel(kind: ChannelKind, variant: StoreVariant): string {
  return `${CHANNEL_NAMES[kind]} · ${variant.label}`;
}

/** A scenario as run.ts calls it. */
export type Scenario = (options: BenchOptions, log: (line: string) => void) => Promise<ScenarioResult>;

/** The rate-limit note every channel scenario carries. */
export const RATE_LIMIT_NOTE =
  "rate limits off, as for Telegram's drain (the SMS and email gateways declare none today; the bench drops any declared); default send limits (100 in flight per process, 25 per tenant)";
