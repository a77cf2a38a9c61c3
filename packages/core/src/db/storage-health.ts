/**
 * @module db/storage-health — whether the database takes writes right now. "Not now" errors
 * (another process holds the write lock, the disk or the page limit is full) are waited out with
 * backoff and answered 503; they never end the process.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type BetterSqlite3 from "better-sqlite3";
import type { Logger } from "pino";
import { backoffDelay } from "../worker/backoff.js";

const NOT_NOW = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY)/;
const WRITE_RETRY = { baseMs: 50, maxMs: 5000 };
const PROBE_RETRY = { baseMs: 200, maxMs: 5000 };
// A probe row larger than a page, so that a full database (or page limit) fails the probe too.
const PROBE_BYTES = 16 * 1024;

/**
 * True for SQLite errors after which the same write can succeed later (busy, locked, full, I/O),
 * also when wrapped (`cause`, or grammY's `BotError.error` around a webhook handler's failure).
 */
export function isStorageUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NOT_NOW.test(code)) return true;
    e = e.cause ?? (e as { error?: unknown }).error;
  }
  return false;
}

/** Tracks whether the database takes writes; while it does not, a probe checks for recovery. */
export class StorageHealth {
  private down: { since: number; probes: number; timer?: NodeJS.Timeout } | undefined;
  private closed = false;
  private readonly probeWrite: BetterSqlite3.Statement;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly logger: Logger,
  ) {
    // Raw SQL on purpose: the probe drives its own BEGIN IMMEDIATE … ROLLBACK on the connection, and
    // its row is never committed, so it reads or writes no data the query builder would.
    this.probeWrite = sqlite.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('storage-probe', ?)`);
  }

  /** False from a failed write until the database takes writes again. */
  get available(): boolean {
    return this.down === undefined;
  }

  /** Records a write that failed with a storage error (others are ignored): readiness goes to 503 until a probe or a later write succeeds. */
  failed(error: unknown): void {
    if (!isStorageUnavailable(error) || this.down || this.closed) return;
    this.down = { since: Date.now(), probes: 0 };
    this.logger.warn(
      { err: error },
      "the database refuses writes; answering 503 and retrying until it takes them again",
    );
    this.scheduleProbe();
  }

  /** Records a write that succeeded. */
  succeeded(): void {
    if (!this.down) return;
    clearTimeout(this.down.timer);
    this.logger.info({ downForMs: Date.now() - this.down.since }, "the database takes writes again");
    this.down = undefined;
  }

  /**
   * Runs a synchronous write, waiting out storage errors with backoff (the event loop keeps
   * running meanwhile) until it succeeds, or until `signal` aborts (then the last error is thrown).
   * Other errors are thrown at once.
   */
  async write<T>(fn: () => T, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = fn();
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

  /** Stops probing (the database is about to close). */
  close(): void {
    this.closed = true;
    if (this.down) clearTimeout(this.down.timer);
  }

  private scheduleProbe(): void {
    const down = this.down;
    if (!down || this.closed) return;
    down.timer = setTimeout(() => this.probe(), backoffDelay(++down.probes, PROBE_RETRY));
    down.timer.unref();
  }

  /** Takes the write lock and allocates pages, then rolls back: nothing is written. */
  private probe(): void {
    if (this.closed || !this.down) return;
    if (this.sqlite.inTransaction) return this.scheduleProbe();
    try {
      this.sqlite.exec("BEGIN IMMEDIATE");
      try {
        this.probeWrite.run("x".repeat(PROBE_BYTES));
      } finally {
        this.sqlite.exec("ROLLBACK");
      }
      this.succeeded();
    } catch (error) {
      try {
        if (this.sqlite.inTransaction) this.sqlite.exec("ROLLBACK");
      } catch {
        // The connection rolls back by itself when it cannot; the next probe starts clean.
      }
      if (!isStorageUnavailable(error)) this.logger.error({ err: error }, "database probe failed");
      this.scheduleProbe();
    }
  }
}
