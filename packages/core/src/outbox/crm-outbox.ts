/**
 * @module outbox/crm-outbox — requests to the CRM (incoming messages, statuses), stored first and
 * delivered through the tenant's host with retries until they succeed, are refused for good, or
 * expire (default 24 h).
 */
import type { Logger } from "pino";
import type { Leases } from "../cluster/leases.js";
import type { StorageHealth } from "../db/storage-health.js";
import type { CoreConfig } from "../env.js";
import { MIN_ATTEMPTS_BEFORE_EXPIRY, retryDelay } from "../worker/backoff.js";
import type { Clock } from "../worker/clock.js";
import { FairWorker, type TenantTurn, type TurnOutcome } from "../worker/fair-worker.js";
import { isRetryable } from "../errors.js";
import type { HostInstance, OutboxRequest } from "../hosts/types.js";
import type { TenantStore } from "../tenants/tenant-store.js";
import type { OutboxRow, OutboxStore } from "./outbox-store.js";
import type { CrmOutcome, OutboxObserver } from "../metrics/observers.js";

export type { OutboxKind } from "./outbox-store.js";

const CONCURRENCY = 32;

/** Durable delivery of requests to the CRM; requests sharing an order key go one at a time, in order. */
export class CrmOutbox {
  private readonly inflightKeys = new Set<string>();
  /** Tenants with pending requests, served in turn; the cap is per host group (SalesRender: CRM cluster). */
  private readonly worker: FairWorker<OutboxRow>;

  constructor(
    private readonly deps: {
      /** The outbox's table. */
      store: OutboxStore;
      tenants: TenantStore;
      /** The running hosts by name (filled before `start`): each delivers its tenants' requests. */
      hosts: ReadonlyMap<string, HostInstance>;
      config: Pick<CoreConfig, "outboxClusterConcurrency" | "retry">;
      logger: Logger;
      /** Scheduling time (due times, expiry): immune to wall-clock steps. */
      clock: Clock;
      /** Where writes refused by the database are reported and waited out. */
      storage: StorageHealth;
      /** The tenants this replica delivers for (default: every tenant, a process alone on its database). */
      leases?: Leases;
      /** Told how each attempt ended, when metrics are on. */
      observer?: OutboxObserver;
    },
  ) {
    const store = deps.store;
    this.worker = new FairWorker({
      name: "CRM outbox",
      concurrency: CONCURRENCY,
      groupLimit: deps.config.outboxClusterConcurrency,
      clock: deps.clock,
      logger: deps.logger,
      storage: deps.storage,
      ...(deps.leases ? { leases: deps.leases } : {}),
      pending: () => store.pendingTenants(),
      groupOf: (turn) => this.groupOf(turn.owner),
      take: (turn, room, now, claim) => this.take(turn, room, now, claim),
      nextDue: (tenantId) => store.tenantNextDue(tenantId),
      run: (row) => this.deliver(row),
      // The next row of this order key may be due now; the pump asks the tenant's rows.
      finished: (row, turn) => {
        this.inflightKeys.delete(row.order_key);
        this.worker.hint(turn.owner, this.deps.clock.now());
      },
    });
  }

  /** A committed write stored a request for the tenant (the stores' `OutboxWake`): the sender looks at once. */
  wake(tenantId: number): void {
    this.worker.hint(tenantId, this.deps.clock.now());
    this.worker.wake();
  }

  /** Another replica stored requests for the tenant (an `outbox` notification): looked at now if it is ours. */
  notified(tenantId: number): void {
    this.wake(tenantId);
  }

  /** Looks at every owned tenant's stored requests again (the polling backstop); resolves once read. */
  rescan(): Promise<void> {
    return this.worker.rescan();
  }

  /** Starts delivering what is stored (including what an earlier process left). */
  start(): Promise<void> {
    return this.worker.start();
  }

  /** Stops taking new work and waits up to `timeoutMs` for requests in flight. */
  stop(timeoutMs: number): Promise<void> {
    return this.worker.stop(timeoutMs);
  }

  /** Number of requests waiting for the CRM (for health and tests). */
  pending(): Promise<number> {
    return this.deps.store.count();
  }

  /** Hosts some tenant's requests wait for (not running here), each logged once. */
  private readonly waitingHosts = new Set<string>();

  /**
   * One tenant's turn, within the cap of its CRM cluster (a CRM that answers slowly holds its cap,
   * no more): starts up to `room` due heads whose order key has nothing in flight.
   */
  private async take(
    turn: TenantTurn,
    room: number,
    now: number,
    claim: (row: OutboxRow) => void,
  ): Promise<TurnOutcome> {
    const tenant = await this.deps.tenants.byId(turn.owner);
    if (tenant && !this.deps.hosts.has(tenant.host)) {
      // Kept for a process that runs the host (SWITCHBOARD_HOSTS): waiting is not failing.
      if (!this.waitingHosts.has(tenant.host)) {
        this.waitingHosts.add(tenant.host);
        this.deps.logger.warn(
          { event: "outbox.host_missing", host: tenant.host, tenant: tenant.id },
          "CRM requests wait for a host that is not running (SWITCHBOARD_HOSTS); kept",
        );
      }
      return "blocked";
    }
    // Heads already in flight come back from the query too: ask for that many more.
    const limit = room + this.worker.inFlightOf(turn);
    const heads = await this.deps.store.dueHeads(turn.owner, now, limit);
    const wanted: number[] = [];
    const keys = new Set<string>();
    for (const head of heads) {
      if (wanted.length >= room) break;
      if (this.inflightKeys.has(head.order_key) || keys.has(head.order_key)) continue;
      keys.add(head.order_key);
      wanted.push(head.id);
    }
    let started = 0;
    for (const row of wanted.length ? await this.deps.store.rows(wanted) : []) {
      // One fill at a time: nothing else took this key while the rows were read.
      this.inflightKeys.add(row.order_key);
      claim(row);
      started++;
    }
    if (heads.length < limit) return "drained";
    return started > 0 ? "more" : "blocked";
  }

  /** The group a tenant's requests count against (its host's `groupOf`, by default the host), for the per-group cap. */
  private async groupOf(tenantId: number): Promise<string> {
    const tenant = await this.deps.tenants.byId(tenantId);
    if (!tenant) return "";
    const host = this.deps.hosts.get(tenant.host);
    return `${tenant.host} ${(await host?.groupOf?.(tenant)) ?? ""}`;
  }

  /** A write that waits out a busy or full database; given up at shutdown (the row is then sent again). */
  private write(fn: () => Promise<unknown>): Promise<unknown> {
    return this.deps.storage.write(fn, this.worker.signal);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const log = () => this.deps.logger.child({ tenant: row.tenant_id, outboxId: row.id, kind: row.kind });
    const tenant = await this.deps.tenants.byId(row.tenant_id);
    const host = tenant && this.deps.hosts.get(tenant.host);
    const counted = (outcome: CrmOutcome) => this.deps.observer?.crmAttempt(tenant?.host ?? "", row.kind, outcome);
    let failure: string;
    let cause: unknown;
    if (!tenant || !host) {
      failure = "plugin is not registered";
    } else {
      try {
        const request = { kind: row.kind, body: JSON.parse(row.body) } as OutboxRequest;
        const started = Date.now();
        await host.deliver(request, {
          tenant,
          // The row id alone could come back after the database was recreated; its creation time cannot.
          requestId: `${row.id}.${row.created_at}`,
          attempt: row.attempts + 1,
          get logger() {
            return log();
          },
          signal: this.worker.signalOf(row.tenant_id),
        });
        await this.write(() => this.deps.store.remove(row.id));
        counted("delivered");
        if (this.deps.logger.isLevelEnabled("debug"))
          log().debug(
            { event: "outbox.delivered", attempt: row.attempts + 1, durationMs: Date.now() - started },
            "delivered to CRM",
          );
        return;
      } catch (error) {
        if (!isRetryable(error)) {
          await this.write(() => this.deps.store.remove(row.id));
          counted("refused");
          const status = (error as { status?: unknown }).status;
          log().warn({ event: "outbox.refused", status, err: error }, "CRM refused the request for good; dropped");
          return;
        }
        failure = error instanceof Error ? error.message : String(error);
        cause = error;
      }
    }
    const attempts = row.attempts + 1;
    const now = this.deps.clock.now();
    const next = now + retryDelay(cause, attempts, this.deps.config.retry);
    if (next > row.expires_at && attempts >= MIN_ATTEMPTS_BEFORE_EXPIRY) {
      await this.write(() => this.deps.store.remove(row.id));
      counted("expired");
      log().error(
        { event: "outbox.expired", attempt: attempts, err: cause ?? failure },
        "CRM request expired after retries; dropped",
      );
      return;
    }
    await this.write(() => this.deps.store.retry(row, attempts, next, failure.slice(0, 500)));
    counted("retried");
    log().warn(
      { event: "outbox.retrying", attempt: attempts, err: cause ?? failure, retryInMs: next - now },
      "CRM request failed; will retry",
    );
  }
}
