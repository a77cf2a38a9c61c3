/**
 * @module outbox/crm-outbox — requests to the CRM (incoming messages, statuses), stored first and
 * delivered with retries until they succeed, are refused for good, or expire (default 24 h).
 */
import type { Statement } from "better-sqlite3";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import { isStorageUnavailable, type StorageHealth } from "../db/storage-health.js";
import { referenceOfRow, tenantRowsSql, type ReferenceRow } from "../db/tenant-rows.js";
import type { CoreConfig } from "../env.js";
import { backoffDelay, MIN_ATTEMPTS_BEFORE_EXPIRY, WORKER_RETRY } from "../queue/backoff.js";
import { FairShare } from "../queue/fair-share.js";
import { Inflight } from "../queue/inflight.js";
import type { Clock } from "../queue/clock.js";
import { Waker } from "../queue/waker.js";
import { signCrmRequest } from "../protocol/tokens.js";
import { sendJson } from "../net/post-json.js";
import { taskAttempt } from "./task-attempt.js";
import { referenceKey, type PluginReference } from "../protocol/reference.js";
import type { TenantStore } from "../tenants/tenant-store.js";

/** The two kinds of request a chat plugin makes to the CRM (§6.1, §6.2). */
export type OutboxKind = "incoming" | "status";

const ENDPOINTS: Record<OutboxKind, { method: string; path: string; success: number; stop: number[] }> = {
  incoming: { method: "PUT", path: "incoming", success: 201, stop: [405, 418] },
  status: { method: "PATCH", path: "status", success: 200, stop: [404, 418] },
};

const CONCURRENCY = 32;
const HTTP_TIMEOUT_MS = 30_000;

interface OutboxRow {
  id: number;
  company_id: string;
  plugin_alias: string;
  plugin_id: string;
  kind: OutboxKind;
  body: string;
  order_key: string;
  attempts: number;
  created_at: number;
  expires_at: number;
}

/** Durable delivery of requests to the CRM; requests sharing an order key go one at a time, in order. */
export class CrmOutbox {
  private readonly waker: Waker;
  private readonly inflightKeys = new Set<string>();
  /** Requests in flight per tenant (their heads are still in the table). */
  private readonly tenantInflight = new Map<string, number>();
  /** Tenants with pending requests, served in turn; the cap is per CRM cluster (its origin). */
  private readonly fair: FairShare<PluginReference>;
  private readonly pendingTenants: Statement;
  private readonly tenantNextDue: Statement;
  private readonly inflight = new Inflight();
  private stopped = false;
  private pumpFailures = 0;
  private abort = new AbortController();
  private readonly insert: Statement;
  private readonly dueHeads: Statement;
  private readonly remove: Statement;
  private readonly retry: (row: OutboxRow, attempts: number, next: number, failure: string) => void;

  constructor(
    private readonly deps: {
      db: Database;
      tenants: TenantStore;
      config: Pick<CoreConfig, "selfUri" | "outboxMaxAgeMs" | "retry" | "outboxClusterConcurrency">;
      logger: Logger;
      /** Scheduling time (due times, expiry): immune to wall-clock steps. */
      clock: Clock;
      /** Where writes refused by the database are reported and waited out. */
      storage: StorageHealth;
    },
  ) {
    const sqlite = deps.db.$client;
    // Invariant: a row is never due before the rows ahead of it with the same order key, so the
    // earliest next_attempt_at of the whole table is a true wake-up time (found through the index).
    this.insert = sqlite.prepare(
      `INSERT INTO crm_outbox (company_id, plugin_alias, plugin_id, kind, body, order_key, attempts, next_attempt_at, created_at, expires_at)
       VALUES (@companyId, @pluginAlias, @pluginId, @kind, @body, @orderKey, 0,
         MAX(@now, COALESCE((SELECT MAX(next_attempt_at) FROM crm_outbox WHERE order_key = @orderKey), 0)),
         @now, @expiresAt)`,
    );
    // Only the oldest pending row of each order key is eligible, so a retried status never
    // lets a later one overtake it. One tenant at a time, through the tenant's due index.
    this.dueHeads = sqlite.prepare(
      `SELECT o.* FROM crm_outbox o
       WHERE ${tenantRowsSql("o")} AND o.next_attempt_at <= @now
         AND o.id = (SELECT MIN(id) FROM crm_outbox i WHERE i.order_key = o.order_key)
       ORDER BY o.next_attempt_at, o.id LIMIT @limit`,
    );
    // Rows behind a head wait for it, so the earliest time of a tenant's rows is its next work.
    this.tenantNextDue = sqlite.prepare(`SELECT MIN(next_attempt_at) AS t FROM crm_outbox WHERE ${tenantRowsSql()}`);
    this.pendingTenants = sqlite.prepare(
      `SELECT company_id, plugin_alias, plugin_id, MIN(next_attempt_at) AS t FROM crm_outbox
       GROUP BY company_id, plugin_alias, plugin_id`,
    );
    this.fair = new FairShare(Math.min(deps.config.outboxClusterConcurrency, CONCURRENCY));
    this.remove = sqlite.prepare(`DELETE FROM crm_outbox WHERE id = ?`);
    const retryHead = sqlite.prepare(
      `UPDATE crm_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
    );
    const holdFollowers = sqlite.prepare(
      `UPDATE crm_outbox SET next_attempt_at = MAX(next_attempt_at, ?) WHERE order_key = ? AND id > ?`,
    );
    this.retry = sqlite.transaction((row: OutboxRow, attempts: number, next: number, failure: string) => {
      retryHead.run(attempts, next, failure, row.id);
      holdFollowers.run(next, row.order_key, row.id);
    });
    this.waker = new Waker(() => this.pump(), deps.clock);
    this.userAgent = `SR-PLUGIN-CHAT-BOT/1.0 (+${deps.config.selfUri.replace(/\/$/, "")}/info)`;
  }

  private readonly userAgent: string;

  /** Stores a request for the CRM (call inside the caller's transaction) and wakes the sender. */
  enqueue(ref: PluginReference, kind: OutboxKind, body: unknown, orderKey: string): void {
    const now = this.deps.clock.now();
    this.insert.run({
      ...ref,
      kind,
      body: JSON.stringify(body),
      orderKey: `${kind}:${referenceKey(ref)}:${orderKey}`,
      now,
      expiresAt: now + this.deps.config.outboxMaxAgeMs,
    });
    this.fair.hint(referenceKey(ref), ref, now);
    this.waker.wake();
  }

  /** Starts delivering what is stored (including what an earlier process left). */
  start(): void {
    for (const row of this.pendingTenants.all() as Array<ReferenceRow & { t: number }>) {
      const ref = referenceOfRow(row);
      this.fair.hint(referenceKey(ref), ref, row.t);
    }
    this.stopped = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.waker.wake();
  }

  /** Stops taking new work and waits up to `timeoutMs` for requests in flight. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.waker.cancel();
    await this.inflight.drained(timeoutMs);
    this.abort.abort(new Error("Gateway is shutting down"));
  }

  /** Number of requests waiting for the CRM (for health and tests). */
  pending(): number {
    return (this.deps.db.$client.prepare(`SELECT COUNT(*) AS n FROM crm_outbox`).get() as { n: number }).n;
  }

  private pump(): void {
    if (this.stopped) return;
    try {
      this.fill();
      this.pumpFailures = 0;
    } catch (error) {
      // The database refused (or something unexpected broke): never crash, try again later.
      if (isStorageUnavailable(error)) this.deps.storage.failed(error);
      else this.deps.logger.error({ err: error }, "CRM outbox failed; retrying");
      this.waker.wakeAt(this.deps.clock.now() + backoffDelay(++this.pumpFailures, WORKER_RETRY));
    }
  }

  /** Starts due requests, tenant by tenant, in the free slots. */
  private fill(): void {
    const now = this.deps.clock.now();
    // Round-robin over tenants with due requests, each round an equal share of the free slots,
    // within the cap of the tenant's CRM cluster: a CRM that answers slowly holds its cap, no more.
    let turns = this.fair.ready(now);
    while (this.inflight.size < CONCURRENCY && turns.length > 0) {
      const share = Math.max(1, Math.floor((CONCURRENCY - this.inflight.size) / turns.length));
      const again: typeof turns = [];
      for (const turn of turns) {
        const free = CONCURRENCY - this.inflight.size;
        if (free <= 0) break;
        const cluster = this.clusterOf(turn.ref);
        const room = Math.min(share, free, this.fair.room(cluster));
        if (room <= 0) continue;
        // Heads already in flight come back from the query too: ask for that many more.
        const limit = room + (this.tenantInflight.get(turn.key) ?? 0);
        const heads = this.dueHeads.all({ ...turn.ref, now, limit }) as OutboxRow[];
        this.fair.served(turn.key);
        let started = 0;
        for (const row of heads) {
          if (started >= room) break;
          if (this.inflightKeys.has(row.order_key)) continue;
          this.begin(row, turn.key, cluster);
          started++;
        }
        if (heads.length < limit) {
          this.fair.settle(turn.key, (this.tenantNextDue.get(turn.ref) as { t: number | null }).t);
        } else if (started > 0) {
          again.push(turn);
        }
      }
      turns = again;
    }
    if (this.inflight.size < CONCURRENCY) {
      const next = this.fair.nextAfter(now);
      if (next !== null) this.waker.wakeAt(Math.max(next, now + 1));
    }
  }

  private begin(row: OutboxRow, tenantKey: string, cluster: string): void {
    const ref = referenceOfRow(row);
    this.inflightKeys.add(row.order_key);
    this.tenantInflight.set(tenantKey, (this.tenantInflight.get(tenantKey) ?? 0) + 1);
    this.fair.start(cluster);
    void this.inflight.track(this.deliver(row)).then(() => {
      this.inflightKeys.delete(row.order_key);
      const n = (this.tenantInflight.get(tenantKey) ?? 1) - 1;
      if (n <= 0) this.tenantInflight.delete(tenantKey);
      else this.tenantInflight.set(tenantKey, n);
      this.fair.finish(cluster);
      // The next row of this order key may be due now; the pump asks the tenant's rows.
      this.fair.hint(tenantKey, ref, this.deps.clock.now());
      this.waker.wake();
    });
  }

  /** The CRM cluster a tenant's requests go to (the origin of its cluster URI), for the per-cluster cap. */
  private clusterOf(ref: PluginReference): string {
    const uri = this.deps.tenants.credentials(ref)?.clusterUri;
    if (!uri) return "";
    try {
      return new URL(uri).origin;
    } catch {
      return uri;
    }
  }

  /** A write that waits out a busy or full database; given up at shutdown (the row is then sent again). */
  private write(fn: () => unknown): Promise<unknown> {
    return this.deps.storage.write(fn, this.abort.signal);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const ref = referenceOfRow(row);
    const log = () => this.deps.logger.child({ tenant: referenceKey(ref), outboxId: row.id, kind: row.kind });
    const endpoint = ENDPOINTS[row.kind];
    const creds = this.deps.tenants.credentials(ref);
    let failure: string;
    if (!creds) {
      failure = "plugin is not registered";
    } else {
      try {
        const request = signCrmRequest({
          selfUri: this.deps.config.selfUri,
          clusterUri: creds.clusterUri,
          hpt: creds.hpt,
          ref,
          body: JSON.parse(row.body),
        });
        const url = `${creds.clusterUri.replace(/\/+$/, "")}/companies/${encodeURIComponent(ref.companyId)}/CRM/plugin/chat/${endpoint.path}`;
        const status = await sendJson(
          url,
          endpoint.method,
          JSON.stringify({
            request,
            __task: { createdAt: {}, attempt: taskAttempt(row.attempts, this.deps.config) },
          }),
          { headers: { "user-agent": this.userAgent }, timeoutMs: HTTP_TIMEOUT_MS },
        );
        if (status === endpoint.success) {
          await this.write(() => this.remove.run(row.id));
          log().debug({ attempts: row.attempts + 1 }, "delivered to CRM");
          return;
        }
        if (endpoint.stop.includes(status)) {
          await this.write(() => this.remove.run(row.id));
          log().warn({ status }, "CRM refused the request for good; dropped");
          return;
        }
        failure = `HTTP ${status}`;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    const attempts = row.attempts + 1;
    const next = this.deps.clock.now() + backoffDelay(attempts, this.deps.config.retry);
    if (next > row.expires_at && attempts >= MIN_ATTEMPTS_BEFORE_EXPIRY) {
      await this.write(() => this.remove.run(row.id));
      log().error({ attempts, failure }, "CRM request expired after retries; dropped");
      return;
    }
    await this.write(() => this.retry(row, attempts, next, failure.slice(0, 500)));
    log().warn({ attempts, failure }, "CRM request failed; will retry");
  }
}
