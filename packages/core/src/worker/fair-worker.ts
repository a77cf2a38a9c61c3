/**
 * @module worker/fair-worker — the skeleton of core's durable workers (the send queue, the CRM
 * outbox): a pump the waker runs, round-robin claims of due work tenant by tenant into the free
 * slots, the count of work in flight, start and stop. The jobs' store calls may be asynchronous;
 * the pump awaits them and never runs two fills at once (a wake-up during a fill runs one more).
 *
 * With replicas (the jobs' `leases`), a tenant's work is claimed only while this process owns the
 * tenant: hints for other tenants are dropped, a tenant acquired is looked at as soon as it is
 * owned, and a tenant released stops being claimed; the release resolves once its claim in
 * progress and its work in flight finished (a handover: the next owner starts from a quiet
 * tenant), or, when the lease was lost (`fenced`), its work in flight is aborted at once.
 */
import type { Logger } from "pino";
import type { AcquiredLease, Leases, ReleaseReason } from "../cluster/leases.js";
import { isStorageUnavailable, type StorageHealth } from "../db/storage-health.js";
import type { TenantRow } from "../db/tenant-rows.js";
import { backoffDelay, WORKER_RETRY } from "./backoff.js";
import type { Clock } from "./clock.js";
import { FairShare, type Turn } from "./fair-share.js";
import { Inflight } from "./inflight.js";
import { Waker } from "./waker.js";

/** What one tenant's turn gave: `drained` (nothing else due now), `more` (come round again), `blocked` (not this wake-up). */
export type TurnOutcome = "drained" | "more" | "blocked";

/** What a worker does with its work; the skeleton decides when and how much. */
export interface WorkerJobs<T> {
  /** Names the worker in its logs. */
  name: string;
  /** Most work in flight at once. */
  concurrency: number;
  /** Most work in flight at once in one group (see `groupOf`). */
  groupLimit: number;
  clock: Clock;
  logger: Logger;
  /** Where a database refusing the claims is reported. */
  storage: Pick<StorageHealth, "failed">;
  /** Which tenants this process may claim work of (default: every tenant). */
  leases?: Leases;
  /**
   * A tenant was acquired from another replica (or for the first time): get ready to work for it
   * (the queue puts its leased rows back, starts its rate limits empty). Its work is looked at
   * once it is owned; a failure gives the tenant back.
   */
  acquired?(tenantId: number, lease: AcquiredLease, now: number): void | Promise<void>;
  /** Tenants with stored work and when it is first due (read at start). */
  pending(): PendingRow[] | Promise<PendingRow[]>;
  /** The group a tenant's work counts against (default: the tenant itself). */
  groupOf?(turn: TenantTurn): string | Promise<string>;
  /**
   * Takes up to `room` pieces of the tenant's due work, handing each to `claim` once its claim is
   * committed (it counts at once against the free slots and the group's cap, and starts running).
   */
  take(turn: TenantTurn, room: number, now: number, claim: (item: T) => void): TurnOutcome | Promise<TurnOutcome>;
  /** When the tenant's stored work is next due (null: it has none), after a `drained` turn. */
  nextDue(tenantId: number): number | null | Promise<number | null>;
  /** Runs first in each wake-up, before the turns (the queue: expired leases go back). */
  beforeRound?(now: number): void | Promise<void>;
  /**
   * Does a claimed piece of work. It may resolve before the work is over, with the promise of its
   * last step (`settled`): its slot is then free for the next piece, while the work still counts
   * as in flight for its tenant's handover and for `stop` until `settled` ends.
   */
  run(item: T): Promise<void | Settling>;
  /** After the work ended (`run`, and its `settled` if it gave one). */
  finished?(item: T, turn: TenantTurn): void;
  /** An extra time to wake at, besides the tenants' due times (the queue's next lease check). */
  nextCheck?(): number;
  /** After a failed wake-up, before it is tried again. */
  pumpFailed?(): void;
}

/** What `run` gives when its work's last step no longer needs its slot. */
export interface Settling {
  settled: Promise<void>;
}

/** A tenant with stored work, `t` its earliest due time. */
export type PendingRow = TenantRow & { t: number };

/** A tenant's turn: `owner` is the tenant's id. */
export type TenantTurn = Turn<number>;

/** A piece of work claimed, with its tenant and group. */
export interface Claim<T> {
  item: T;
  turn: TenantTurn;
  group: string;
}

/** Serves tenants with due work in turn, each within its group's cap, so no tenant starves another. */
export class FairWorker<T> {
  private readonly waker: Waker;
  /** Work holding a slot (bounded by `concurrency`). */
  private readonly inflight = new Inflight();
  /** Work not finished yet, with a slot or settling after it (what `stop` and a handover wait for). */
  private readonly unfinished = new Inflight();
  private readonly fair: FairShare<number>;
  /** Claimed or running work per tenant. */
  private readonly perTenant = new Map<string, number>();
  private abortController = new AbortController();
  private active = false;
  private pumpFailures = 0;
  /** A fill is running (its store calls awaited); a wake-up meanwhile sets `fillAgain`. */
  private filling = false;
  private fillAgain = false;
  /** Settles when the fill in progress (if any) is done; never rejects. */
  private filled: Promise<void> = Promise.resolve();
  /** The tenant whose `take` is running, if any (a release waits for it). */
  private taking: number | undefined;
  /** Per tenant: aborted when its lease is lost (or at `stop`), so its work in flight ends now. */
  private readonly tenantAborts = new Map<number, AbortController>();
  /** Releases waiting for a tenant to be quiet (no take running, nothing in flight). */
  private readonly quietWaiters = new Map<number, Array<() => void>>();
  private unsubscribe: Array<() => void> = [];

  constructor(private readonly jobs: WorkerJobs<T>) {
    this.fair = new FairShare(Math.min(jobs.groupLimit, jobs.concurrency));
    this.waker = new Waker(() => void this.pump(), jobs.clock);
  }

  /** True between `start` and `stop`. */
  get running(): boolean {
    return this.active;
  }

  /** Aborted when `stop` gives up waiting for work in flight. */
  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  /** Work in flight right now (in a slot, or settling after it). */
  get inFlight(): number {
    return this.unfinished.size;
  }

  /** Claimed or running work of one tenant. */
  inFlightOf(turn: TenantTurn): number {
    return this.perTenant.get(turn.key) ?? 0;
  }

  /**
   * Aborted when `stop` gives up waiting for work in flight, or when the tenant's lease is lost
   * (another replica may take its work): what the tenant's work passes on to its requests.
   */
  signalOf(tenantId: number): AbortSignal {
    if (!this.jobs.leases) return this.signal;
    let controller = this.tenantAborts.get(tenantId);
    if (!controller || (controller.signal.aborted && this.owns(tenantId))) {
      controller = new AbortController();
      if (this.abortController.signal.aborted) controller.abort(this.abortController.signal.reason);
      this.tenantAborts.set(tenantId, controller);
    }
    return controller.signal;
  }

  /** True while this process may claim the tenant's work. */
  owns(tenantId: number): boolean {
    return this.jobs.leases?.owns(tenantId) ?? true;
  }

  /** Work of the tenant may be due from `at` on (call for every write that schedules work); ignored for tenants not owned. */
  hint(tenantId: number, at: number): void {
    if (!this.owns(tenantId)) return;
    this.fair.hint(String(tenantId), tenantId, at);
  }

  /**
   * Looks at every tenant's stored work again (the polling backstop, and what a replica may have
   * missed while its notifications were down); resolves once it was read (never rejects: a
   * database refusing is reported, and the next rescan looks again).
   */
  async rescan(): Promise<void> {
    if (!this.active) return;
    let pending: PendingRow[];
    try {
      pending = await this.jobs.pending();
    } catch (error) {
      // The next backstop tick (or reconnection) looks again.
      if (isStorageUnavailable(error)) this.jobs.storage.failed(error);
      else
        this.jobs.logger.error(
          { event: "worker.rescan_failed", worker: this.jobs.name, err: error },
          `${this.jobs.name}: rescan failed`,
        );
      return;
    }
    for (const row of pending) this.hint(row.tenant_id, row.t);
    this.waker.wake();
  }

  /** Runs the pump on the next turn of the event loop. */
  wake(): void {
    this.waker.wake();
  }

  /** Starts working through what is stored (including what an earlier process left); resolves once that was read. */
  async start(): Promise<void> {
    this.subscribe();
    for (const row of await this.jobs.pending()) this.hint(row.tenant_id, row.t);
    this.active = true;
    if (this.abortController.signal.aborted) {
      this.abortController = new AbortController();
      this.tenantAborts.clear();
    }
    this.waker.wake();
  }

  /** Stops claiming; work in flight gets `timeoutMs` to finish, then its signal is aborted. */
  async stop(timeoutMs: number): Promise<void> {
    this.active = false;
    this.waker.cancel();
    // A fill in progress finishes its turn (its claims start and count as in flight), so that
    // after the stop nothing touches the database any more; given `timeoutMs` too (a database gone).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.filled, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await this.unfinished.drained(timeoutMs);
    const reason = new Error("Gateway is shutting down");
    this.abortController.abort(reason);
    for (const controller of this.tenantAborts.values()) controller.abort(reason);
    // Releases already waiting (the leases giving everything back) still resolve as the aborted work ends.
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  /** Hears of the tenants this process gains and loses (once; kept until `stop`). */
  private subscribe(): void {
    const leases = this.jobs.leases;
    if (!leases || this.unsubscribe.length > 0) return;
    this.unsubscribe = [
      leases.onAcquire((tenantId, lease) => this.jobs.acquired?.(tenantId, lease, this.jobs.clock.now())),
      // Hinted only now: a hint during the acquisition was dropped (the tenant was not owned yet).
      leases.onOwned((tenantId) => {
        this.hint(tenantId, this.jobs.clock.now());
        this.waker.wake();
      }),
      leases.onRelease((tenantId, reason) => this.released(tenantId, reason)),
    ];
  }

  /** The tenant is no longer ours: nothing more is claimed; resolves once it is quiet (fenced: aborted at once). */
  private released(tenantId: number, reason: ReleaseReason): Promise<void> | void {
    this.fair.forget(String(tenantId));
    if (reason === "fenced") {
      // What was in flight may have reached the channel: its next owner may do it again (at least once).
      const inFlight = this.inFlightOf({ key: String(tenantId), owner: tenantId });
      if (inFlight > 0)
        this.jobs.logger.warn(
          { event: "worker.fenced", worker: this.jobs.name, tenant: tenantId, inFlight },
          `${this.jobs.name} lost a tenant's lease with work in flight; it is aborted`,
        );
      this.tenantAborts.get(tenantId)?.abort(new Error("This replica lost the tenant's lease"));
      return;
    }
    if (this.isQuiet(tenantId)) return;
    return new Promise((resolve) => {
      const waiters = this.quietWaiters.get(tenantId) ?? [];
      waiters.push(resolve);
      this.quietWaiters.set(tenantId, waiters);
    });
  }

  private isQuiet(tenantId: number): boolean {
    return this.taking !== tenantId && this.inFlightOf({ key: String(tenantId), owner: tenantId }) === 0;
  }

  /** Resolves the releases waiting for the tenant, if it is quiet now. */
  private checkQuiet(tenantId: number): void {
    const waiters = this.quietWaiters.get(tenantId);
    if (!waiters || !this.isQuiet(tenantId)) return;
    this.quietWaiters.delete(tenantId);
    for (const resolve of waiters) resolve();
  }

  private pump(): Promise<void> {
    if (!this.active) return Promise.resolve();
    if (this.filling) {
      this.fillAgain = true;
      return this.filled;
    }
    this.filling = true;
    this.filled = this.fillUntilDone();
    return this.filled;
  }

  /** Fills until no wake-up came during the last fill. */
  private async fillUntilDone(): Promise<void> {
    try {
      do {
        this.fillAgain = false;
        try {
          await this.fill();
          this.pumpFailures = 0;
        } catch (error) {
          // The database refused (or something unexpected broke): never crash, try again later.
          if (isStorageUnavailable(error)) this.jobs.storage.failed(error);
          else
            this.jobs.logger.error(
              { event: "worker.failed", worker: this.jobs.name, err: error },
              `${this.jobs.name} failed; retrying`,
            );
          this.jobs.pumpFailed?.();
          this.waker.wakeAt(this.jobs.clock.now() + backoffDelay(++this.pumpFailures, WORKER_RETRY));
        }
      } while (this.fillAgain && this.active);
    } finally {
      this.filling = false;
    }
  }

  /** Claims due work, tenant by tenant, into the free slots; each claim starts once its take committed it. */
  private async fill(): Promise<void> {
    const now = this.jobs.clock.now();
    await this.jobs.beforeRound?.(now);
    await this.claimTurns(now);
    if (this.inflight.size < this.jobs.concurrency) {
      const next = Math.min(this.fair.nextAfter(now) ?? Infinity, this.jobs.nextCheck?.() ?? Infinity);
      if (Number.isFinite(next)) this.waker.wakeAt(Math.max(next, now + 1));
    }
  }

  /**
   * The claims of one wake-up; each counts against its tenant's group and starts at once. There
   * is no transaction around a wake-up: each take's claim is its own atomic statement, so a failed
   * turn leaves the claims before it running, and the tenants served get another look.
   */
  private async claimTurns(now: number): Promise<void> {
    const served: TenantTurn[] = [];
    const free = () => this.jobs.concurrency - this.inflight.size;
    try {
      // Round-robin over tenants with due work: each round offers every tenant an equal share of
      // the free slots (within its group's cap), so a group whose work hangs keeps its cap and no more.
      let turns = this.fair.ready(now);
      while (free() > 0 && turns.length > 0) {
        const share = Math.max(1, Math.floor(free() / turns.length));
        const again: typeof turns = [];
        for (const turn of turns) {
          if (free() <= 0 || !this.active) break;
          // Released meanwhile (or hinted before): its next owner looks at its work.
          if (!this.owns(turn.owner)) {
            this.fair.forget(turn.key);
            continue;
          }
          const group = (await this.jobs.groupOf?.(turn)) ?? turn.key;
          const room = Math.min(share, free(), this.fair.room(group));
          if (room <= 0) continue;
          this.taking = turn.owner;
          let outcome: TurnOutcome;
          try {
            outcome = await this.jobs.take(turn, room, now, (item) => {
              this.fair.start(group);
              this.count(turn.key, 1);
              this.launch({ item, turn, group });
            });
          } finally {
            this.taking = undefined;
            this.checkQuiet(turn.owner);
          }
          this.fair.served(turn.key);
          served.push(turn);
          // A turn that is not drained comes round again; that ends, as every turn either claims
          // work or settles the tenant (`take` says `blocked` when it can do neither).
          if (outcome === "drained") {
            const since = this.fair.mark();
            // Work hinted while the query ran may not be in its answer: look again after this round.
            if (!this.fair.settle(turn.key, await this.jobs.nextDue(turn.owner), since)) this.fillAgain = true;
          } else if (outcome === "more") again.push(turn);
        }
        turns = again;
      }
    } catch (error) {
      // A tenant settled just before the failure may have work due after all.
      for (const turn of served) this.fair.hint(turn.key, turn.owner, now);
      throw error;
    }
  }

  /** Starts a committed claim (counted against its group's cap as it starts). */
  private launch(claim: Claim<T>): void {
    const ran = this.jobs.run(claim.item);
    void this.inflight.track(ran).then(() => {
      this.fair.finish(claim.group);
      this.waker.wake();
    });
    const settled = ran.then(
      (outcome) => outcome?.settled,
      () => undefined,
    );
    void this.unfinished.track(settled).then(() => {
      this.count(claim.turn.key, -1);
      this.checkQuiet(claim.turn.owner);
      this.jobs.finished?.(claim.item, claim.turn);
      this.waker.wake();
    });
  }

  private count(key: string, by: 1 | -1): void {
    const n = (this.perTenant.get(key) ?? 0) + by;
    if (n <= 0) this.perTenant.delete(key);
    else this.perTenant.set(key, n);
  }
}
