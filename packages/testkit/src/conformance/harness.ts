/**
 * @module conformance/harness — what a gateway's test file provides so the shared suite can drive it.
 */
import type { CrmSimulator } from "../crm-simulator/simulator.js";
import type { ConformanceCrm } from "./crm-side.js";

function isSuiteCrm(crm: ConformanceCrm | CrmSimulator): crm is ConformanceCrm {
  return Object.hasOwn(crm, "store");
}

/** A tenant of the suite: 0 is company A, 1 is company B. */
export type TenantIndex = 0 | 1;

/**
 * Connects the conformance suite to one gateway and its fake provider.
 *
 * `start` must pass {@link conformanceEnv}`(crm)` (or at least `crm.env` plus
 * `SWITCHBOARD_RETRY_BASE_MS: "20"`) to `startGateway`, so transient failures are retried within
 * milliseconds, use the run's fresh store (`crm.store`: an in-memory SQLite database, or a fresh
 * PostgreSQL database through `SWITCHBOARD_DATABASE_URL`), and serve every host the
 * suite drives: `hosts: [salesrender, bitrix24]` from `@switchboard/host-salesrender` and
 * `@switchboard/host-bitrix24` (`crm.env` sets `SWITCHBOARD_HOSTS` and the `BITRIX24_*` of the fake).
 */
export interface ConformanceHarness {
  /** Gateway name, used in the `describe()` title. */
  name: string;
  /** Starts the gateway (with its fakes) against the CRM hosts; returns its base URL (SELF_URI) and a stop(). Called once per host run. */
  start(crm: ConformanceCrm): Promise<{ gatewayUrl: string; stop(): Promise<void> }>;
  /**
   * Valid settings data for tenant 0 or 1 (each different, e.g. two bot tokens / accounts). Only
   * fields of the gateway's form; saving them must succeed against the fake provider.
   */
  validSettings(tenant: TenantIndex): Record<string, Record<string, unknown>>;
  /** A contact the gateway accepts (e.g. "tg://user?id=42", "+15551234567", "alice@example.test"). */
  contact: string;
  /**
   * Texts the fake provider API accepted for a tenant's account, in order (refused attempts are not
   * included). The suite checks with `includes`, so a gateway may wrap the text (HTML, prefixes).
   */
  sentTexts(tenant: TenantIndex): string[];
  /** Makes the fake provider refuse the next send permanently (e.g. 400/403) or transiently (e.g. 429/5xx). */
  failNextSend(kind: "permanent" | "transient"): void;
  /** Delivers a customer message with this text through the gateway's real inbound path for the tenant. */
  deliverIncoming(tenant: TenantIndex, text: string): Promise<void>;
  /**
   * The name `deliverIncoming`'s customer has on the channel (a Telegram first name, an email's
   * From display name), when the channel has names: hosts that show one (Bitrix24) must show it,
   * and SalesRender's wire, which has no place for it, must not carry it.
   */
  customerName?: string;
  /** The channel's HTTP webhooks, driven with the requests the channel really sends. */
  webhook: WebhookHarness;
  /**
   * Delivers a customer message with `text` and this file through the channel's real inbound path.
   * Absent only for a channel that takes no files: its capabilities then list no attachment types.
   */
  deliverAttachment?(tenant: TenantIndex, text: string, file: CustomerFile): Promise<void>;
  /**
   * The files the fake provider took for a tenant's account (uploaded bytes, or what its media links
   * serve), oldest first. Absent only for a channel that sends no files: its capabilities then list
   * no attachment types.
   */
  sentFiles?(tenant: TenantIndex): Promise<SentFile[]> | SentFile[];
}

/** A file the channel sent to a customer. */
export interface SentFile {
  name?: string;
  data: Uint8Array;
}

/** How the webhook tells the channel's requests from forgeries. */
export type WebhookAuthentication =
  /** A signature or secret header on each request (Twilio, Telegram): refused with 401 or 403. */
  | "signature"
  /** An unguessable token in the URL (email's raw-MIME webhook): a wrong one is an unknown webhook, 404. */
  | "url-token";

/**
 * Which credentials a webhook request carries: the tenant's own, wrong ones, none, or the other
 * tenant's valid ones (only asked of `signature` webhooks: with a URL token, the token is the tenant).
 */
export type WebhookCredentials = "valid" | "wrong" | "missing" | "other-tenant";

/** One webhook request, built once: calling it again posts the same request, as the channel redelivers an event. */
export type WebhookPost = () => Promise<Response>;

/** The channel's inbound webhooks: customer messages and, where the channel has them, statuses. */
export interface WebhookHarness {
  authentication: WebhookAuthentication;
  /** The webhook's body limit in bytes: a body one byte longer must be answered 413. */
  maxBytes: number;
  /**
   * Builds the request the channel posts for a customer message with `text` to the tenant, as one
   * channel event (its own event id: Telegram update_id, Twilio MessageSid, Message-ID). Every
   * message comes from the same customer, so the gateway forwards them to the CRM in order.
   */
  message(tenant: TenantIndex, text: string, credentials?: WebhookCredentials): WebhookPost;
  /**
   * Builds the channel's report of `status` for the message the gateway sent to the tenant with
   * `sentText` (Twilio's status callback, an email delivery report), as the channel posts it.
   * Absent only for a channel without delivery statuses (Telegram): its capabilities then list
   * `sent` and `error` only.
   */
  status?(tenant: TenantIndex, sentText: string, status: ChannelStatus, credentials?: WebhookCredentials): WebhookPost;
}

/** A file a customer sends. */
export interface CustomerFile {
  name: string;
  contentType: string;
  data: Uint8Array;
}

/** A status a channel reports for a message it took (`sent` is ours: the channel accepted it). */
export type ChannelStatus = "delivered" | "read" | "error";

/**
 * The gateway env the suite expects: every host's settings (the suite's `crm`, or a CRM simulator's
 * for tests outside the suite), the run's store (a memory DB outside the suite) and fast retries.
 */
export function conformanceEnv(crm: ConformanceCrm | CrmSimulator): Record<string, string> {
  return {
    ...crm.env,
    SWITCHBOARD_DB_PATH: ":memory:",
    ...(isSuiteCrm(crm) ? crm.store.env : {}),
    SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
    SWITCHBOARD_RETRY_BASE_MS: "20",
    SWITCHBOARD_RETRY_MAX_MS: "200",
    LOG_LEVEL: "silent",
  };
}
