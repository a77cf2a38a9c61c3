/**
 * @module db/storage-health — whether the database takes writes right now. "Not now" errors
 * (SQLite: another process holds the write lock, the disk or the page limit is full; PostgreSQL: the
 * server is down, restarting or out of connections, the connection broke) are waited out with
 * backoff and answered 503; they never end the process.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { backoffDelay } from "../worker/backoff.js";
import { isPostgresUnavailable } from "./postgres-unavailable.js";

const SQLITE_NOT_NOW = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY)/;
const WRITE_RETRY = { baseMs: 50, maxMs: 5000 };
const PROBE_RETRY = { baseMs: 200, maxMs: 5000 };

/**
 * True for errors after which the same write can succeed later (SQLite: busy, locked, full, I/O;
 * PostgreSQL: unreachable, restarting, out of connections or room, see `isPostgresUnavailable`),
 * also when wrapped (`cause`, an `AggregateError`'s `errors`, or grammY's `BotError.error` around a
 * webhook handler's failure).
 */
export function isStorageUnavailable(error: unknown): boolean {
  return unavailableWithin(error, 0);
}

function unavailableWithin(e: unknown, depth: number): boolean {
  if (!(e instanceof Error) || depth >= 5) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && SQLITE_NOT_NOW.test(code)) return true;
  if (isPostgresUnavailable(e)) return true;
  // Node reports a refused connection to every address of a name as one AggregateError.
  if (e instanceof AggregateError && e.errors.some((inner) => unavailableWithin(inner, depth + 1))) return true;
  return unavailableWithin(e.cause ?? (e as { error?: unknown }).error, depth + 1);
}

/**
 * Tells whether the database takes writes again: true if it does, false if it cannot tell now (try
 * later); throws if it does not (a storage error) or the probe itself failed.
 */
export type StorageProbe = () => boolean | Promise<boolean>;

/** Tracks whether the database takes writes; while it does not, a probe checks for recovery. */
export class StorageHealth {
  private down: { since: number; probes: number; timer?: NodeJS.Timeout } | undefined;
  private closed = false;
  private probing = false;
  private watchTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly probe: StorageProbe,
    private readonly logger: Logger,
  ) {}

  /** False from a failed write until the database takes writes again. */
  get available(): boolean {
    return this.down === undefined;
  }

  /** Records a write that failed with a storage error (others are ignored): readiness goes to 503 until a probe or a later write succeeds. */
  failed(error: unknown): void {
    if (!isStorageUnavailable(error) || this.down || this.closed) return;
    this.down = { since: Date.now(), probes: 0 };
    this.logger.warn(
      { event: "storage.unavailable", err: error },
      "the database refuses writes; answering 503 and retrying until it takes them again",
    );
    this.scheduleProbe();
  }

  /** Records a write that succeeded. */
  succeeded(): void {
    if (!this.down) return;
    clearTimeout(this.down.timer);
    this.logger.info(
      { event: "storage.available", durationMs: Date.now() - this.down.since },
      "the database takes writes again",
    );
    this.down = undefined;
  }

  /**
   * Runs a write (synchronous, or a promise), waiting out storage errors with backoff (the event
   * loop keeps running meanwhile) until it succeeds, or until `signal` aborts (then the last error
   * is thrown). Other errors are thrown at once.
   */
  async write<T>(fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await fn();
        this.succeeded();
        return result;
      } catch (error) {
        if (!isStorageUnavailable(error)) throw error;
        this.failed(error);
        if (signal?.aborted || this.closed) throw error;
        await sleep(backoffDelay(attempt, WRITE_RETRY), undefined, { signal, ref: false }).catch(() => {
          throw error;
        });
      }
    }
  }

  /**
   * Also probes every `everyMs` while the database is up, so a server that went away is noticed
   * (readiness 503) before a write fails on it: a store on a network (PostgreSQL) can vanish
   * while nothing writes.
   */
  watch(everyMs: number): void {
    if (this.watchTimer || this.closed) return;
    this.watchTimer = setInterval(() => void this.checkUp(), everyMs);
    this.watchTimer.unref();
  }

  private async checkUp(): Promise<void> {
    if (this.down || this.probing || this.closed) return;
    this.probing = true;
    try {
      await this.probe();
    } catch (error) {
      // Only "not now" errors mark the store down; anything else is the probe's own failure.
      if (isStorageUnavailable(error)) this.failed(error);
      else this.logger.error({ event: "storage.probe_failed", err: error }, "database probe failed");
    } finally {
      this.probing = false;
    }
  }

  /** Stops probing (the database is about to close). */
  close(): void {
    this.closed = true;
    clearInterval(this.watchTimer);
    if (this.down) clearTimeout(this.down.timer);
  }

  private scheduleProbe(): void {
    const down = this.down;
    if (!down || this.closed) return;
    down.timer = setTimeout(() => void this.runProbe(), backoffDelay(++down.probes, PROBE_RETRY));
    down.timer.unref();
  }

  private async runProbe(): Promise<void> {
    if (this.closed || !this.down) return;
    if (this.probing) return this.scheduleProbe();
    this.probing = true;
    try {
      if (await this.probe()) this.succeeded();
      else this.scheduleProbe();
    } catch (error) {
      if (!isStorageUnavailable(error))
        this.logger.error({ event: "storage.probe_failed", err: error }, "database probe failed");
      this.scheduleProbe();
    } finally {
      this.probing = false;
    }
  }
}
