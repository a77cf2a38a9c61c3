/**
 * @module metrics/observers — what the send queue, the CRM outbox and the webhook routes tell the
 * metrics, as narrow interfaces: those parts depend on these, not on prom-client.
 */
import type { OutboxKind } from "../outbox/outbox-store.js";

/** What a queued row asks of the channel. */
export type SendAction = "send" | "edit" | "remove";

/** How a send attempt ended: the channel took it, it goes again later, it failed for good, or (an operation) there was nothing to change. */
export type SendOutcome = "sent" | "retried" | "failed" | "ignored";

/** Told of every send attempt of the queue. `host` is the tenant's CRM host. */
export interface SendObserver {
  /** The channel call (the gateway's send, edit or remove) returned or threw after `seconds`. */
  channelCall(host: string, action: SendAction, ok: boolean, seconds: number): void;
  /** The attempt's outcome was recorded; `error` when it failed; `acceptedSeconds` since the CRM handed the message over, once sent. */
  attempt(
    host: string,
    action: SendAction,
    outcome: SendOutcome,
    detail: { error?: unknown; acceptedSeconds?: number },
  ): void;
}

/** How a CRM request's attempt ended: delivered, tried again later, refused for good (dropped) or expired (dropped). */
export type CrmOutcome = "delivered" | "retried" | "refused" | "expired";

/** Told of every attempt of the CRM outbox. */
export interface OutboxObserver {
  crmAttempt(host: string, kind: OutboxKind, outcome: CrmOutcome): void;
}

/** How storing incoming events ended: new, a repeat of one seen before, or not stored (the request failed, the channel retries). */
export type EventOutcome = "stored" | "repeated" | "failed";

/**
 * How a webhook request was answered: stored (2xx), its tenant unknown (404), refused by the
 * gateway's verify (401/403), unreadable (400), too large (413), the database unavailable (503),
 * or another error.
 */
export type WebhookOutcome =
  "accepted" | "unknown_tenant" | "refused" | "invalid" | "too_large" | "unavailable" | "error";

/** Told of incoming events (webhooks, SMTP, polling) and of every webhook request. */
export interface IncomingObserver {
  events(host: string, outcome: EventOutcome, count: number): void;
  webhook(host: string, webhook: string, outcome: WebhookOutcome): void;
}
