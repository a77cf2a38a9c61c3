/**
 * @module queue/send-queue — the durable queue of outgoing messages and its in-process worker.
 *
 * A message is stored in the transaction that answers 202; the worker wakes at once (no polling),
 * leases rows so a crash mid-send re-delivers after the lease expires, honours the gateway's rate
 * limits, retries transient failures with backoff (or the gateway's retry-after) and reports the
 * outcome to the CRM as a status.
 */
import type { Logger } from "pino";
import type { AcquiredLease, Leases } from "../cluster/leases.js";
import type { StorageHealth } from "../db/storage-health.js";
import type { CoreConfig } from "../env.js";
import { ChannelRefusedError, isRetryable } from "../errors.js";
import type { GatewayInstance, RateLimitRule, SendResult, Tenant } from "../gateway/types.js";
import type { ChatMessage } from "../protocol/chat.js";
import type {
  DeferredRow,
  OperationStored,
  OutgoingRow,
  OutgoingStore,
  QueuedMessage,
  QueuedOperation,
  SentMessage,
} from "../messages/outgoing-store.js";
import { openSendParts } from "../messages/send-parts.js";
import type { TenantStore } from "../tenants/tenant-store.js";
import { MIN_ATTEMPTS_BEFORE_EXPIRY, retryDelay } from "../worker/backoff.js";
import type { Clock } from "../worker/clock.js";
import { FairWorker, type Settling, type TenantTurn, type TurnOutcome } from "../worker/fair-worker.js";
import { RateLimits } from "./rate-limiter.js";
import type { SendAction, SendObserver, SendOutcome } from "../metrics/observers.js";

/** Dependencies of the send queue. */
export interface SendQueueDeps {
  /** The outgoing-message tables. */
  outgoing: OutgoingStore;
  tenants: TenantStore;
  /** The running gateway's `send`. */
  send: GatewayInstance["send"];
  /** The running gateway's `edit` and `remove`, when it has them. */
  edit?: GatewayInstance["edit"];
  remove?: GatewayInstance["remove"];
  rateLimits: readonly RateLimitRule[];
  config: Pick<CoreConfig, "sendConcurrency" | "sendTenantConcurrency" | "send" | "retry">;
  logger: Logger;
  /** Scheduling time (due times, leases, rate limits, age): immune to wall-clock steps. */
  clock: Clock;
  /** Where writes refused by the database are reported and waited out. */
  storage: StorageHealth;
  /** The tenants this replica sends for (default: every tenant, a process alone on its database). */
  leases?: Leases;
  /** Told of every attempt and channel call, when metrics are on. */
  observer?: SendObserver;
}

/** A row's tenant and chat. */
const chatKey = (row: OutgoingRow) => `${row.tenant_id} ${row.contact}`;

/** How long after its due time a message put back to wait still holds its chat's later messages. */
const FORGET_WAIT_MS = 15 * 60_000;

/**
 * Inserts of new messages committing at once, at most. Each is one statement and one commit for
 * every request that arrived meanwhile: on PostgreSQL, one per event-loop turn let dozens commit
 * at once with a few rows each, and the server's CPU per commit, not the disk, bound accepting.
 */
const MAX_INSERTS = 1;

/** The outgoing message queue with its worker. */
export class SendQueue {
  private readonly limits: RateLimits;
  private readonly runningIds = new Set<number>();
  private leaseCheckAt = 0;
  /** Tenants with queued work, served in turn, each with at most `sendTenantConcurrency` sends in flight. */
  private readonly worker: FairWorker<OutgoingRow>;
  private readonly finished: Array<SentMessage & { host: string; done: () => void }> = [];
  /**
   * One "sent" transaction at a time: sends that finish while it commits wait for the next, which
   * takes them all. Starting one per tick let six run at once on PostgreSQL at 1 000 msg/s, each
   * slowed by the others (10–40 ms each), until the commits pending held every slot.
   */
  private flushing = false;
  /**
   * Messages this replica put back to wait for the rate limits, per tenant and chat: row id →
   * when it may go. A wait moves a row's due time past later messages of its chat stored
   * meanwhile (claims go oldest due first), so a later message of a chat with a message waiting
   * waits behind it: each chat's messages go in the order stored.
   */
  private readonly waiting = new Map<number, Map<string, Map<number, number>>>();
  /**
   * Per tenant and chat, the end of its last send let through. A chat's next message, claimed in
   * order, starts only once the channel answered its previous one (or it failed): two sends of one chat at once could reach
   * the channel in either order. It waits here, in its slot, rather than being put back to the
   * store: putting back every row behind a busy chat rewrote the whole backlog for each message
   * sent (a 100 000-message drain over 50 chats fell from about 7 000 to 40 messages/s).
   */
  private readonly chatTail = new Map<string, Promise<unknown>>();
  /** Sends the channel took whose "sent" update has not committed yet. */
  private committing = 0;

  constructor(private readonly deps: SendQueueDeps) {
    this.limits = new RateLimits(deps.rateLimits);
    this.worker = new FairWorker({
      name: "send worker",
      concurrency: deps.config.sendConcurrency,
      groupLimit: deps.config.sendTenantConcurrency,
      clock: deps.clock,
      logger: deps.logger,
      storage: deps.storage,
      ...(deps.leases ? { leases: deps.leases } : {}),
      acquired: (tenantId, lease, now) => this.acquired(tenantId, lease, now),
      pending: () => deps.outgoing.queuedTenants(),
      take: (turn, room, now, claim) => this.take(turn, room, now, claim),
      nextDue: (tenantId) => deps.outgoing.tenantNextDue(tenantId),
      beforeRound: (now) => this.releaseExpired(now),
      run: (row) => {
        this.runningIds.add(row.id);
        return row.action === "send" ? this.afterOwnChat(row) : this.send(row);
      },
      finished: (row) => this.runningIds.delete(row.id),
      nextCheck: () => this.leaseCheckAt,
      // Rows claimed but neither started nor put back before the failure stay leased: look for
      // expired leases again.
      pumpFailed: () => (this.leaseCheckAt = 0),
    });
  }

  /**
   * Stores a message for sending; messages arriving in the same tick share one transaction (one
   * WAL commit for many requests), and so do those arriving while {@link MAX_INSERTS} inserts
   * commit. Resolves once the message is durable: true when stored, false when the tenant already
   * has this CRM message id (idempotency). `hostData` is stored with it as JSON and carried into
   * its statuses.
   */
  enqueue(tenantId: number, message: ChatMessage, hostData?: unknown): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.batch.push({ tenantId, message, hostData, resolve, reject });
      if (this.batch.length === 1 && this.inserting < MAX_INSERTS) setImmediate(() => void this.flush());
    });
  }

  /** Inserts committing now (on SQLite, which writes synchronously, never more than one). */
  private inserting = 0;

  private readonly batch: Array<
    QueuedMessage & {
      resolve: (stored: boolean) => void;
      reject: (error: unknown) => void;
    }
  > = [];

  private async flush(): Promise<void> {
    const items = this.batch.splice(0);
    if (items.length === 0) return;
    this.inserting++;
    let results: boolean[];
    try {
      results = await this.deps.outgoing.insertAll(items, this.deps.clock.now());
    } catch (error) {
      this.deps.storage.failed(error);
      for (const item of items) item.reject(error);
      return;
    } finally {
      this.inserting--;
      // What arrived while the inserts committed goes in the next one, all of it at once.
      if (this.batch.length > 0 && this.inserting < MAX_INSERTS) setImmediate(() => void this.flush());
    }
    const now = this.deps.clock.now();
    items.forEach((item, i) => {
      if (results[i]) this.worker.hint(item.tenantId, now);
      item.resolve(results[i]!);
    });
    if (this.worker.running && results.some(Boolean)) this.worker.wake();
  }

  /**
   * Stores an edit or removal of a message the tenant gave before, durably before it resolves;
   * it is carried out after the message itself and earlier operations on it. Not stored when the
   * message is unknown or failed, or the operation key was stored before (the answer says which).
   */
  async enqueueOperation(op: QueuedOperation): Promise<OperationStored> {
    const now = this.deps.clock.now();
    let stored: OperationStored;
    try {
      stored = await this.deps.outgoing.insertOperation(op, now);
    } catch (error) {
      this.deps.storage.failed(error);
      throw error;
    }
    if (stored === "queued") {
      this.worker.hint(op.tenantId, now);
      if (this.worker.running) this.worker.wake();
    }
    return stored;
  }

  /** Starts the worker; messages left by an earlier process are picked up (leased ones when their lease expires). */
  start(): Promise<void> {
    return this.worker.start();
  }

  /** Stops taking messages; in-flight sends get `timeoutMs` to finish, then are aborted (and stay leased). */
  stop(timeoutMs: number): Promise<void> {
    return this.worker.stop(timeoutMs);
  }

  /** Messages in flight right now. */
  get inFlight(): number {
    return this.worker.inFlight;
  }

  /** Another replica stored work for the tenant (a `send` notification): looked at now if it is ours. */
  notified(tenantId: number): void {
    this.worker.hint(tenantId, this.deps.clock.now());
    if (this.worker.running) this.worker.wake();
  }

  /** Looks at every owned tenant's queued work again (the polling backstop); resolves once read. */
  rescan(): Promise<void> {
    return this.worker.rescan();
  }

  /**
   * The tenant is ours now and nobody else sends for it: its leased rows go back to the queue at
   * once (a chat's later message must not overtake them while their send lease runs out), the
   * previous owner's rate-limit waits go (due in the order stored, see `releaseLeased`), and
   * its rate limits start empty unless nobody ever sent for it (the previous owner's last sends
   * are unknown here: no burst above the channel's limit at a handover).
   */
  private async acquired(tenantId: number, lease: AcquiredLease, now: number): Promise<void> {
    const running = [...this.runningIds];
    // Whatever waited here before is due in the order stored again (releaseLeased).
    this.waiting.delete(tenantId);
    const released = await this.deps.outgoing.releaseLeased(tenantId, running, now);
    if (lease.previous !== "none") this.limits.startEmpty(String(tenantId), now);
    if (released > 0)
      this.deps.logger.info(
        { event: "send.took_over", tenant: tenantId, released, previous: lease.previous },
        "took over a tenant's sends",
      );
  }

  /**
   * Puts the rows of a process that died mid-send back in the queue. Expired leases exist only
   * where a process died mid-send, so they are looked for when the earliest foreign lease runs
   * out, not on every wake-up.
   */
  private async releaseExpired(now: number): Promise<void> {
    if (now < this.leaseCheckAt) return;
    // With replicas, only the tenants owned here: another's rows are its owner's to look after.
    const owned = this.deps.leases?.ownedTenants() ?? null;
    if (owned && owned.length === 0) return;
    const { tenantIds, nextLease } = await this.deps.outgoing.releaseExpired(
      now,
      [...this.runningIds],
      ...(owned ? [owned] : []),
    );
    for (const tenantId of tenantIds) this.worker.hint(tenantId, now);
    this.leaseCheckAt = nextLease === null ? Infinity : Math.max(nextLease, now + 1000);
  }

  /**
   * One tenant's turn: leases up to `room` due rows, oldest first (one atomic statement), claims
   * those the rate limits let go now, and puts the others back to when they may go (one call).
   */
  private async take(
    turn: TenantTurn,
    room: number,
    now: number,
    claim: (row: OutgoingRow) => void,
  ): Promise<TurnOutcome> {
    const leaseUntil = now + this.deps.config.send.leaseMs;
    const rows = await this.deps.outgoing.claimDue(turn.owner, now, leaseUntil, room);
    if (rows.length > 0 && !this.worker.owns(turn.owner)) {
      // Lost the tenant while claiming: its rows go back for the next owner, attempts not counted.
      await this.deps.outgoing.deferAll(rows.map((row) => ({ id: row.id, at: now })));
      return "drained";
    }
    const deferred: DeferredRow[] = [];
    for (const row of rows) {
      // An operation waits for its message's earlier rows; a send for its chat's held rows.
      const forMessage = await this.waitsUntil(row, now);
      const waitsUntil = forMessage ?? this.behindOwnChat(row, now);
      // Tokens are taken on admission only: a row that waits for its message takes none.
      const at = waitsUntil ?? this.limits.admit(turn.key, row.contact, now);
      if (at > now) {
        // What it waits for may finish before this is written: then it is due now, not at `at`.
        // Only for a message's rows: a send behind its chat made due now would be claimed and put
        // back again at once, round after round (the store's check knows messages, not chats).
        deferred.push(forMessage === undefined ? { id: row.id, at } : { id: row.id, at, ifUnblocked: now });
        this.worker.hint(row.tenant_id, at);
        if (row.action === "send") this.chatWaiting(row, true).set(row.id, at);
      } else {
        if (row.action === "send") this.chatWaiting(row, false)?.delete(row.id);
        claim(row);
      }
    }
    // Written before the tenant's next due time is read (a `drained` turn), so that read sees them.
    if (deferred.length) await this.deps.outgoing.deferAll(deferred);
    // Fewer than asked: nothing else is due, the tenant's rows say when it is next. Otherwise it
    // comes round again; that ends, as every claimed row is either taken or put back to a later
    // time, so the tenant is settled once its due rows are all taken or deferred.
    return rows.length < room ? "drained" : "more";
  }

  /**
   * When a message may go at the earliest because an older message of its chat waits (see
   * `waiting`); undefined when none does. A wait due more than {@link FORGET_WAIT_MS} ago is
   * forgotten: that row left some other way, and must not hold its chat forever. (A row put
   * back comes round again only when the backlog ahead of it has gone: seconds, or minutes under
   * a tight limit, so the memory is long.)
   */
  private behindOwnChat(row: OutgoingRow, now: number): number | undefined {
    if (row.action !== "send") return undefined;
    const chat = this.chatWaiting(row, false);
    if (!chat) return undefined;
    let until: number | undefined;
    for (const [id, at] of chat) {
      if (at < now - FORGET_WAIT_MS) chat.delete(id);
      else if (id < row.id) until = Math.max(until ?? 0, at, now + 1);
    }
    return until;
  }

  /** The waiting messages of a row's chat (created when `create`). */
  private chatWaiting(row: OutgoingRow, create: true): Map<number, number>;
  private chatWaiting(row: OutgoingRow, create: false): Map<number, number> | undefined;
  private chatWaiting(row: OutgoingRow, create: boolean): Map<number, number> | undefined {
    let tenant = this.waiting.get(row.tenant_id);
    if (!tenant && create) this.waiting.set(row.tenant_id, (tenant = new Map()));
    let chat = tenant?.get(row.contact);
    if (!chat && create) tenant!.set(row.contact, (chat = new Map()));
    if (chat && chat.size === 0 && !create) {
      tenant!.delete(row.contact);
      return undefined;
    }
    return chat;
  }

  /**
   * For an edit or removal whose message (or an earlier operation on it) is still queued: when to
   * look again. Woken as soon as what it waits for finishes; the time is a fallback should that
   * process die. Undefined when the row may go.
   */
  private async waitsUntil(row: OutgoingRow, now: number): Promise<number | undefined> {
    if (row.action === "send") return undefined;
    const target = await this.deps.outgoing.operationTarget(row);
    if (target.state !== "waiting") return undefined;
    return Math.max(target.until, now + 1000);
  }

  /** Sends `row` once the send of its chat let through before it has finished (see `chatTail`). */
  private afterOwnChat(row: OutgoingRow): Promise<void | Settling> {
    const key = chatKey(row);
    const ahead = this.chatTail.get(key);
    const sent = ahead ? ahead.then(() => this.send(row)) : this.send(row);
    const tail = sent.catch(() => undefined);
    this.chatTail.set(key, tail);
    void tail.then(() => {
      if (this.chatTail.get(key) === tail) this.chatTail.delete(key);
    });
    return sent;
  }

  /**
   * Sends one row. Once the channel took it, its slot is free and its "sent" update commits behind
   * it (`settled`): holding the slot through that commit capped a tenant at its slots divided by
   * the commit's latency (on PostgreSQL, 25 slots over 10–20 ms: a backlog at 1 000 msg/s). The
   * row stays leased and running here until then, so neither a claim nor a handover takes it.
   * With as many commits pending as the process has slots, the slot waits for its own commit.
   */
  private async send(row: OutgoingRow): Promise<void | Settling> {
    const logger = lazyChild(this.deps.logger, () => ({
      tenant: row.tenant_id,
      queueId: row.id,
      crmMessageId: row.crm_message_id,
      attempt: row.attempts,
    }));
    const tenant = await this.deps.tenants.byId(row.tenant_id);
    if (row.action !== "send") return this.operate(row, tenant, logger);
    const host = tenant?.host ?? "";
    let result: SendResult;
    let called: number | undefined;
    const started = Date.now();
    try {
      if (!tenant) throw new ChannelRefusedError("Plugin is not registered", { permanent: true });
      const message = JSON.parse(row.payload) as ChatMessage;
      called = performance.now();
      result = await this.deps.send(
        {
          tenant,
          get logger() {
            return logger();
          },
          signal: this.worker.signalOf(row.tenant_id),
          parts: openSendParts(this.deps.outgoing, row.tenant_id, row.id, row.attempts),
        },
        { ...message, queueId: row.id, attempt: row.attempts },
      );
      this.channelCalled(host, "send", true, called);
    } catch (error) {
      this.channelCalled(host, "send", false, called);
      await this.fail(row, error, logger(), host);
      return;
    }
    const ids = typeof result === "string" ? [result] : result.ids;
    const details = typeof result === "string" ? undefined : result.details;
    // Sends finishing in the same tick, or while the last "sent" transaction commits, are marked in
    // one transaction (see `flushing`); the send counts as done (for shutdown and a handover) only
    // once it is committed.
    this.committing++;
    const settled = new Promise<void>((done) => {
      this.finished.push({ row, ids, details, host, done });
      if (this.finished.length === 1 && !this.flushing) setImmediate(() => void this.flushSent());
    }).then(() => {
      this.committing--;
      if (this.deps.logger.isLevelEnabled("debug"))
        logger().debug(
          { event: "send.sent", channelMessageIds: ids, durationMs: Date.now() - started },
          "message sent",
        );
    });
    if (this.committing > this.deps.config.sendConcurrency) return settled;
    return { settled };
  }

  /** Carries out an edit or removal of a message the channel took. */
  private async operate(row: OutgoingRow, tenant: Tenant | undefined, logger: () => Logger): Promise<void> {
    const action = row.action as "edit" | "remove";
    const host = tenant?.host ?? "";
    let ids: string[] | null = null;
    let called: number | undefined;
    try {
      if (!tenant) throw new ChannelRefusedError("Plugin is not registered", { permanent: true });
      const target = await this.deps.outgoing.operationTarget(row);
      if (target.state !== "sent") {
        // The message never reached the channel (its error was reported), or it is gone: nothing to change.
        const why =
          target.state === "waiting"
            ? "its message is still being sent"
            : `its message was ${target.state === "failed" ? "not sent" : "not found"}`;
        logger().warn({ event: "operation.ignored", action, targetId: row.target_id }, `${action} ignored: ${why}`);
        if (await this.finishOperation(row, { failed: `${action} ignored: ${why}`, report: false }))
          this.deps.observer?.attempt(host, action, "ignored", {});
        return;
      }
      const { content, attachments } = (JSON.parse(row.payload) as { message: ChatMessage["message"] | null })
        .message ?? {
        content: null,
        attachments: [],
      };
      const ref = {
        crmMessageId: target.crmMessageId,
        chat: target.message.chat,
        channelIds: target.channelIds,
        sent: { content: target.message.message.content, attachments: target.message.message.attachments },
      };
      const ctx = {
        tenant,
        get logger() {
          return logger();
        },
        signal: this.worker.signalOf(row.tenant_id),
      };
      if (action === "edit") {
        if (!this.deps.edit)
          throw new ChannelRefusedError("This channel cannot edit sent messages", { permanent: true });
        called = performance.now();
        ids = (await this.deps.edit(ctx, { ...ref, message: { content, attachments } })) ?? null;
      } else {
        if (!this.deps.remove)
          throw new ChannelRefusedError("This channel cannot delete sent messages", { permanent: true });
        called = performance.now();
        await this.deps.remove(ctx, ref);
      }
      this.channelCalled(host, action, true, called);
    } catch (error) {
      this.channelCalled(host, action, false, called);
      await this.fail(row, error, logger(), host);
      return;
    }
    if (await this.finishOperation(row, { ids })) this.deps.observer?.attempt(host, action, "sent", {});
    logger().info({ event: "operation.done", action, targetId: row.target_id }, `${action} carried out`);
  }

  /** Records an operation's end; false when that could not be written (it is tried again after its lease). */
  private async finishOperation(
    row: OutgoingRow,
    outcome: { ids: string[] | null } | { failed: string; report: boolean },
  ): Promise<boolean> {
    try {
      const woken = await this.deps.storage.write(() => {
        const now = this.deps.clock.now();
        return "failed" in outcome
          ? this.deps.outgoing.markOperationFailed(row, outcome.failed, outcome.report, now)
          : this.deps.outgoing.markOperationDone(row, outcome.ids, now);
      }, this.worker.signal);
      this.hintWoken(woken);
      return true;
    } catch (error) {
      this.deps.logger.error(
        { event: "queue.write_failed", what: "operation", err: error },
        "could not record an edit or removal",
      );
      this.leaseCheckAt = Math.min(this.leaseCheckAt, this.deps.clock.now() + this.deps.config.send.leaseMs);
      return false;
    }
  }

  /** Tells the observer how long a channel call took; `started` undefined when none was made. */
  private channelCalled(host: string, action: SendAction, ok: boolean, started: number | undefined): void {
    if (started !== undefined) this.deps.observer?.channelCall(host, action, ok, (performance.now() - started) / 1000);
  }

  /** Wakes the worker for operations a finished row let go. */
  private hintWoken(tenantIds: readonly number[]): void {
    if (tenantIds.length === 0) return;
    const now = this.deps.clock.now();
    for (const id of tenantIds) this.worker.hint(id, now);
    if (this.worker.running) this.worker.wake();
  }

  private async flushSent(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    const items = this.finished.splice(0);
    try {
      // A busy or full database is waited out; the sends keep their slots meanwhile.
      const woken = await this.deps.storage.write(
        () => this.deps.outgoing.markSent(items, this.deps.clock.now()),
        this.worker.signal,
      );
      this.hintWoken(woken);
      const observer = this.deps.observer;
      if (observer) {
        const now = this.deps.clock.now();
        for (const { host, row } of items)
          observer.attempt(host, "send", "sent", { acceptedSeconds: Math.max(0, now - row.created_at) / 1000 });
      }
    } catch (error) {
      // Shutting down (or a bug): the rows stay leased and are sent again after the lease, at least once.
      this.deps.logger.error(
        { event: "queue.write_failed", what: "sent", err: error },
        "could not record sent messages",
      );
      this.leaseCheckAt = Math.min(this.leaseCheckAt, this.deps.clock.now() + this.deps.config.send.leaseMs);
    }
    for (const item of items) item.done();
    this.flushing = false;
    // What finished meanwhile goes in the next transaction, all of it at once.
    if (this.finished.length > 0) setImmediate(() => void this.flushSent());
  }

  private async fail(row: OutgoingRow, error: unknown, logger: Logger, host: string): Promise<void> {
    try {
      // Counted once written: a write waiting out a busy database runs its function again.
      const outcome = await this.deps.storage.write(() => this.recordFailure(row, error, logger), this.worker.signal);
      if (outcome) this.deps.observer?.attempt(host, row.action, outcome, { error });
    } catch (writeError) {
      // Shutting down (or a bug): the row stays leased and is tried again after the lease.
      logger.error({ event: "queue.write_failed", what: "failure", err: writeError }, "could not record a failed send");
      this.leaseCheckAt = Math.min(this.leaseCheckAt, this.deps.clock.now() + this.deps.config.send.leaseMs);
    }
  }

  /** Writes what a failed attempt means for its row: retried, failed for good, or (undefined) put back uncounted. */
  private async recordFailure(row: OutgoingRow, error: unknown, logger: Logger): Promise<SendOutcome | undefined> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const { maxAttempts, maxAgeMs } = this.deps.config.send;
    const now = this.deps.clock.now();
    const exhausted =
      row.attempts >= maxAttempts || (now - row.created_at >= maxAgeMs && row.attempts >= MIN_ATTEMPTS_BEFORE_EXPIRY);
    if (isRetryable(error) && !exhausted && this.worker.running && this.worker.owns(row.tenant_id)) {
      const delay = retryDelay(error, row.attempts, this.deps.config.retry);
      await this.deps.outgoing.retry(row.id, now + delay, reason.slice(0, 1000));
      this.worker.hint(row.tenant_id, now + delay);
      logger.warn({ event: "send.retrying", err: error, retryInMs: delay }, "send failed; will retry");
      return "retried";
    }
    if (isRetryable(error) && !exhausted) {
      // Shutting down, or the tenant went to another replica: leave it queued for the next
      // process, attempt not wasted.
      await this.deps.outgoing.deferAll([{ id: row.id, at: now }]);
      return undefined;
    }
    if (row.action !== "send") {
      this.hintWoken(await this.deps.outgoing.markOperationFailed(row, reason.slice(0, 1000), true, now));
      logger.error(
        { event: "operation.failed", err: error, exhausted, action: row.action },
        `${row.action} failed for good`,
      );
      return "failed";
    }
    this.hintWoken(await this.deps.outgoing.markFailed(row, reason.slice(0, 1000), now));
    logger.error({ event: "send.failed", err: error, exhausted }, "send failed for good; error status reported");
    return "failed";
  }
}

/** A child logger built only if something is logged (building one per message costs CPU). */
function lazyChild(parent: Logger, bindings: () => Record<string, unknown>): () => Logger {
  let child: Logger | undefined;
  return () => (child ??= parent.child(bindings()));
}
