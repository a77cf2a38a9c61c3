/**
 * @module outbox/crm-outbox — requests to the CRM (incoming messages, statuses), stored first and
 * delivered through the tenant's host with retries until they succeed, are refused for good, or
 * expire (default 24 h).
 */
import type { Statement } from "better-sqlite3";
import { count } from "drizzle-orm";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import { crmOutbox } from "../db/schema.js";
import type { StorageHealth } from "../db/storage-health.js";
import { tenantRowsSql } from "../db/tenant-rows.js";
import type { CoreConfig } from "../env.js";
import { MIN_ATTEMPTS_BEFORE_EXPIRY, retryDelay } from "../worker/backoff.js";
import type { Clock } from "../worker/clock.js";
import { FairWorker, type PendingRow, type TenantTurn, type TurnOutcome } from "../worker/fair-worker.js";
import { isRetryable } from "../errors.js";
import type { HostInstance, OutboxRequest } from "../hosts/types.js";
import type { TenantStore } from "../tenants/tenant-store.js";

import type { OutboxKind, OutboxRow } from "./outbox-store.js";

const CONCURRENCY = 32;

/** What `enqueue` binds to the insert statement. */
type OutboxInsert = {
  tenantId: number;
  kind: OutboxKind;
  body: string;
  orderKey: string;
  now: number;
  expiresAt: number;
};

/** Durable delivery of requests to the CRM; requests sharing an order key go one at a time, in order. */
export class CrmOutbox {
  private readonly inflightKeys = new Set<string>();
  /** Tenants with pending requests, served in turn; the cap is per host group (SalesRender: CRM cluster). */
  private readonly worker: FairWorker<OutboxRow>;
  // The outbox's named hot path: prepared statements, their rows typed from the schema.
  private readonly pendingTenants: Statement<[], PendingRow>;
  private readonly tenantNextDue: Statement<{ tenantId: number }, { t: OutboxRow["next_attempt_at"] | null }>;
  private readonly insert: Statement<OutboxInsert>;
  private readonly dueHeads: Statement<
    { tenantId: number; now: number; limit: number },
    Pick<OutboxRow, "id" | "order_key">
  >;
  private readonly rowById: Statement<[id: number], OutboxRow>;
  private readonly remove: Statement<[id: number]>;
  private readonly retry: (row: OutboxRow, attempts: number, next: number, failure: string) => void;

  constructor(
    private readonly deps: {
      db: Database;
      tenants: TenantStore;
      /** The running hosts by name (filled before `start`): each delivers its tenants' requests. */
      hosts: ReadonlyMap<string, HostInstance>;
      config: Pick<CoreConfig, "outboxMaxAgeMs" | "retry" | "outboxClusterConcurrency">;
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
    // Due times therefore never decrease along an order key: the newest row has the latest, one
    // index step away, where MAX() would read every row of the key (a chat's whole backlog while
    // the CRM is down) on each insert.
    this.insert = sqlite.prepare(
      `INSERT INTO crm_outbox (tenant_id, kind, body, order_key, attempts, next_attempt_at, created_at, expires_at)
       VALUES (@tenantId, @kind, @body, @orderKey, 0,
         MAX(@now, COALESCE((SELECT next_attempt_at FROM crm_outbox WHERE order_key = @orderKey ORDER BY id DESC LIMIT 1), 0)),
         @now, @expiresAt)`,
    );
    // Only the oldest pending row of each order key is eligible, so a retried status never
    // lets a later one overtake it. One tenant at a time, through the tenant's due index.
    // Ids only: the heads in flight come back too, and every wake-up would copy their bodies out
    // again (the query was the outbox's largest cost at 500 webhooks/s); a started row is read whole.
    this.dueHeads = sqlite.prepare(
      `SELECT o.id, o.order_key FROM crm_outbox o
       WHERE ${tenantRowsSql("o")} AND o.next_attempt_at <= @now
         AND o.id = (SELECT MIN(id) FROM crm_outbox i WHERE i.order_key = o.order_key)
       ORDER BY o.next_attempt_at, o.id LIMIT @limit`,
    );
    // Rows behind a head wait for it, so the earliest time of a tenant's rows is its next work.
    this.tenantNextDue = sqlite.prepare(`SELECT MIN(next_attempt_at) AS t FROM crm_outbox WHERE ${tenantRowsSql()}`);
    this.pendingTenants = sqlite.prepare(
      `SELECT tenant_id, MIN(next_attempt_at) AS t FROM crm_outbox GROUP BY tenant_id`,
    );
    this.rowById = sqlite.prepare(`SELECT * FROM crm_outbox WHERE id = ?`);
    this.remove = sqlite.prepare(`DELETE FROM crm_outbox WHERE id = ?`);
    const retryHead: Statement<[attempts: number, next: number, failure: string, id: number]> = sqlite.prepare(
      `UPDATE crm_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
    );
    const holdFollowers: Statement<[next: number, orderKey: string, afterId: number]> = sqlite.prepare(
      `UPDATE crm_outbox SET next_attempt_at = MAX(next_attempt_at, ?) WHERE order_key = ? AND id > ?`,
    );
    this.retry = sqlite.transaction((row: OutboxRow, attempts: number, next: number, failure: string) => {
      retryHead.run(attempts, next, failure, row.id);
      holdFollowers.run(next, row.order_key, row.id);
    });
    this.worker = new FairWorker({
      name: "CRM outbox",
      concurrency: CONCURRENCY,
      groupLimit: deps.config.outboxClusterConcurrency,
      clock: deps.clock,
      logger: deps.logger,
      storage: deps.storage,
      pending: () => this.pendingTenants.all(),
      groupOf: (turn) => this.groupOf(turn.owner),
      take: (turn, room, now, claim) => this.take(turn, room, now, claim),
      nextDue: (tenantId) => this.tenantNextDue.get({ tenantId })!.t,
      run: (row) => this.deliver(row),
      // The next row of this order key may be due now; the pump asks the tenant's rows.
      finished: (row, turn) => {
        this.inflightKeys.delete(row.order_key);
        this.worker.hint(turn.owner, this.deps.clock.now());
      },
      abandoned: (row) => this.inflightKeys.delete(row.order_key),
    });
  }

  /** Hosts some tenant's requests wait for (not running here), each logged once. */
  private readonly waitingHosts = new Set<string>();

  /** Stores a request for the CRM (call inside the caller's transaction) and wakes the sender. */
  enqueue(tenantId: number, kind: OutboxKind, body: unknown, orderKey: string): void {
    const now = this.deps.clock.now();
    this.insert.run({
      tenantId,
      kind,
      body: JSON.stringify(body),
      orderKey: `${kind}:${tenantId}:${orderKey}`,
      now,
      expiresAt: now + this.deps.config.outboxMaxAgeMs,
    });
    this.worker.hint(tenantId, now);
    this.worker.wake();
  }

  /** Starts delivering what is stored (including what an earlier process left). */
  start(): void {
    this.worker.start();
  }

  /** Stops taking new work and waits up to `timeoutMs` for requests in flight. */
  stop(timeoutMs: number): Promise<void> {
    return this.worker.stop(timeoutMs);
  }

  /** Number of requests waiting for the CRM (for health and tests). */
  pending(): number {
    return this.deps.db.select({ n: count() }).from(crmOutbox).get()!.n;
  }

  /**
   * One tenant's turn, within the cap of its CRM cluster (a CRM that answers slowly holds its cap,
   * no more): starts up to `room` due heads whose order key has nothing in flight.
   */
  private take(turn: TenantTurn, room: number, now: number, claim: (row: OutboxRow) => void): TurnOutcome {
    const tenant = this.deps.tenants.byId(turn.owner);
    if (tenant && !this.deps.hosts.has(tenant.host)) {
      // Kept for a process that runs the host (SWITCHBOARD_HOSTS): waiting is not failing.
      if (!this.waitingHosts.has(tenant.host)) {
        this.waitingHosts.add(tenant.host);
        this.deps.logger.warn(
          { host: tenant.host, tenant: tenant.id },
          "CRM requests wait for a host that is not running (SWITCHBOARD_HOSTS); kept",
        );
      }
      return "blocked";
    }
    // Heads already in flight come back from the query too: ask for that many more.
    const limit = room + this.worker.inFlightOf(turn);
    const heads = this.dueHeads.all({ tenantId: turn.owner, now, limit });
    let started = 0;
    for (const head of heads) {
      if (started >= room) break;
      if (this.inflightKeys.has(head.order_key)) continue;
      const row = this.rowById.get(head.id);
      if (!row) continue;
      this.inflightKeys.add(row.order_key);
      claim(row);
      started++;
    }
    if (heads.length < limit) return "drained";
    return started > 0 ? "more" : "blocked";
  }

  /** The group a tenant's requests count against (its host's `groupOf`, by default the host), for the per-group cap. */
  private groupOf(tenantId: number): string {
    const tenant = this.deps.tenants.byId(tenantId);
    if (!tenant) return "";
    const host = this.deps.hosts.get(tenant.host);
    return `${tenant.host} ${host?.groupOf?.(tenant) ?? ""}`;
  }

  /** A write that waits out a busy or full database; given up at shutdown (the row is then sent again). */
  private write(fn: () => unknown): Promise<unknown> {
    return this.deps.storage.write(fn, this.worker.signal);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const log = () => this.deps.logger.child({ tenant: row.tenant_id, outboxId: row.id, kind: row.kind });
    const tenant = this.deps.tenants.byId(row.tenant_id);
    const host = tenant && this.deps.hosts.get(tenant.host);
    let failure: string;
    let cause: unknown;
    if (!tenant || !host) {
      failure = "plugin is not registered";
    } else {
      try {
        const request = { kind: row.kind, body: JSON.parse(row.body) } as OutboxRequest;
        await host.deliver(request, {
          tenant,
          // The row id alone could come back after the database was recreated; its creation time cannot.
          requestId: `${row.id}.${row.created_at}`,
          attempt: row.attempts + 1,
          get logger() {
            return log();
          },
          signal: this.worker.signal,
        });
        await this.write(() => this.remove.run(row.id));
        if (this.deps.logger.isLevelEnabled("debug")) log().debug({ attempts: row.attempts + 1 }, "delivered to CRM");
        return;
      } catch (error) {
        if (!isRetryable(error)) {
          await this.write(() => this.remove.run(row.id));
          const status = (error as { status?: unknown }).status;
          log().warn({ status, failure: (error as Error).message }, "CRM refused the request for good; dropped");
          return;
        }
        failure = error instanceof Error ? error.message : String(error);
        cause = error;
      }
    }
    const attempts = row.attempts + 1;
    const next = this.deps.clock.now() + retryDelay(cause, attempts, this.deps.config.retry);
    if (next > row.expires_at && attempts >= MIN_ATTEMPTS_BEFORE_EXPIRY) {
      await this.write(() => this.remove.run(row.id));
      log().error({ attempts, failure }, "CRM request expired after retries; dropped");
      return;
    }
    await this.write(() => this.retry(row, attempts, next, failure.slice(0, 500)));
    log().warn({ attempts, failure }, "CRM request failed; will retry");
  }
}
