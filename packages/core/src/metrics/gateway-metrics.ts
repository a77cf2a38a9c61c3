/**
 * @module metrics/gateway-metrics — the Prometheus metrics of one running gateway, in a registry
 * of its own (several gateways in one process, as in tests, never share or clash). Counters and
 * histograms count what this replica did; the depth and age gauges are read from the store when
 * scraped (on PostgreSQL: the whole cluster's). No label names a tenant: their number is unbounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Logger } from "pino";
import { sendErrorClass } from "./error-class.js";
import type {
  CrmOutcome,
  EventOutcome,
  IncomingObserver,
  OutboxObserver,
  SendAction,
  SendObserver,
  SendOutcome,
  WebhookOutcome,
} from "./observers.js";
import { StoreSnapshots, type StoreSnapshot } from "./store-snapshot.js";
import type { Database } from "../db/client.js";
import type { Clock } from "../worker/clock.js";
import type { OutboxKind } from "../outbox/outbox-store.js";

/** Accept to sent: from instant to a day's retries. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];
/** One call to the channel's API: milliseconds to its deadline. */
const CALL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the metrics read and label with. */
export interface GatewayMetricsDeps {
  /** The gateway's name: the `gateway` label of every metric. */
  gateway: string;
  /** The CRM hosts running here: their depth gauges answer 0 rather than nothing when empty. */
  hosts: () => Iterable<string>;
  db: Database;
  /** The clock the queue and the outbox stamp their rows with (for the outbox's age). */
  clock: Clock;
  logger: Logger;
}

/** The metrics of one gateway: what its parts report, and the registry `GET /metrics` answers from. */
export class GatewayMetrics implements SendObserver, OutboxObserver, IncomingObserver {
  /** This gateway's own registry (never prom-client's global one). */
  readonly registry = new Registry();
  private readonly sends: Counter<"host" | "action" | "outcome" | "error_class">;
  private readonly sendLatency: Histogram<"host">;
  private readonly channelCalls: Histogram<"host" | "action" | "outcome">;
  private readonly crmRequests: Counter<"host" | "kind" | "outcome">;
  private readonly incomingEvents: Counter<"host" | "outcome">;
  private readonly webhookRequests: Counter<"host" | "webhook" | "outcome">;
  private readonly snapshots: StoreSnapshots;

  constructor(deps: GatewayMetricsDeps) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ gateway: deps.gateway });
    collectDefaultMetrics({ register: this.registry });
    this.sends = new Counter({
      name: "switchboard_sends_total",
      help: "Send attempts of queued messages (and their edits and removals) by outcome; error_class is the core error class of a failed one",
      labelNames: ["host", "action", "outcome", "error_class"],
      registers,
    });
    this.sendLatency = new Histogram({
      name: "switchboard_send_latency_seconds",
      help: "From the CRM handing a message over (accepted) to the channel taking it (recorded sent), retries included",
      labelNames: ["host"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.channelCalls = new Histogram({
      name: "switchboard_channel_call_duration_seconds",
      help: "Duration of one call of the gateway's send, edit or remove (the channel's API), by whether it succeeded",
      labelNames: ["host", "action", "outcome"],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.crmRequests = new Counter({
      name: "switchboard_crm_requests_total",
      help: "Attempts of the CRM outbox to deliver a request (incoming message, status) by outcome",
      labelNames: ["host", "kind", "outcome"],
      registers,
    });
    this.incomingEvents = new Counter({
      name: "switchboard_incoming_events_total",
      help: "Events from the channel (customers' messages, statuses) by whether they were stored, repeats, or not stored",
      labelNames: ["host", "outcome"],
      registers,
    });
    this.webhookRequests = new Counter({
      name: "switchboard_webhook_requests_total",
      help: "Requests to the gateway's webhooks by how they were answered",
      labelNames: ["host", "webhook", "outcome"],
      registers,
    });
    const storeReadFailures = new Counter({
      name: "switchboard_metrics_store_read_failures_total",
      help: "Reads of the queue and outbox depth that failed (those gauges were left out of the scrapes of that second)",
      registers,
    });
    this.snapshots = new StoreSnapshots(deps.db, deps.clock, (error) => {
      storeReadFailures.inc();
      deps.logger.warn(
        { event: "metrics.store_read_failed", err: error },
        "metrics: could not read the queue and outbox depth",
      );
    });
    const snapshot = () => this.snapshots.read();
    const hosts = () => [...deps.hosts()];
    new Gauge({
      name: "switchboard_send_queue_messages",
      help: "Messages in the send queue not finished yet, by state: queued (waiting for their turn or a retry) or leased (being sent); the whole cluster's on PostgreSQL",
      labelNames: ["host", "state"],
      registers,
      async collect() {
        const read = await snapshot();
        this.reset();
        if (!read) return;
        for (const host of hosts()) for (const state of ["queued", "leased"]) this.set({ host, state }, 0);
        for (const row of read.queue) this.set({ host: row.host, state: row.state }, row.count);
      },
    });
    const outboxGauge = (name: string, help: string, value: (row: StoreSnapshot["outbox"][number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ["host"],
        registers,
        async collect() {
          const read = await snapshot();
          this.reset();
          if (!read) return;
          for (const host of hosts()) this.set({ host }, 0);
          for (const row of read.outbox) this.set({ host: row.host }, value(row));
        },
      });
    outboxGauge(
      "switchboard_crm_outbox_requests",
      "Requests (incoming messages, statuses) waiting for the CRM in the outbox; the whole cluster's on PostgreSQL",
      (row) => row.count,
    );
    outboxGauge(
      "switchboard_crm_outbox_retrying_requests",
      "Requests in the outbox held back by a failed attempt (theirs or the one ahead of them in their chat), not due before its retry",
      (row) => row.retrying,
    );
    outboxGauge(
      "switchboard_crm_outbox_oldest_age_seconds",
      "Age of the oldest request in the outbox (0 when empty)",
      (row) => row.oldestSeconds,
    );
  }

  /** The text answer of `GET /metrics` (Prometheus text format 0.0.4). */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  channelCall(host: string, action: SendAction, ok: boolean, seconds: number): void {
    this.channelCalls.observe({ host, action, outcome: ok ? "ok" : "error" }, seconds);
  }

  attempt(
    host: string,
    action: SendAction,
    outcome: SendOutcome,
    detail: { error?: unknown; acceptedSeconds?: number },
  ): void {
    const errorClass = "error" in detail ? sendErrorClass(detail.error) : "";
    this.sends.inc({ host, action, outcome, error_class: errorClass });
    if (detail.acceptedSeconds !== undefined) this.sendLatency.observe({ host }, detail.acceptedSeconds);
  }

  crmAttempt(host: string, kind: OutboxKind, outcome: CrmOutcome): void {
    this.crmRequests.inc({ host, kind, outcome });
  }

  events(host: string, outcome: EventOutcome, count: number): void {
    if (count > 0) this.incomingEvents.inc({ host, outcome }, count);
  }

  webhook(host: string, webhook: string, outcome: WebhookOutcome): void {
    this.webhookRequests.inc({ host, webhook, outcome });
  }
}
