/**
 * @module scenarios/outgoing-store — the send queue's store alone, SQLite against PostgreSQL (a
 * throwaway local server, fsync on, as tests start it): messages stored per second by `insertAll`
 * (batches of 100, and one at a time as a lone request would), rows leased per second by
 * `claimDue` (100 a claim) and messages finished per second by `markSent` (100 a call), with one
 * writer and, on PostgreSQL, with four at once (its commits group; SQLite's one connection cannot).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  openDatabase,
  openPostgres,
  PgOutboxStore,
  PgOutgoingStore,
  SqliteOutboxStore,
  SqliteOutgoingStore,
  type OutgoingStore,
  type QueuedMessage,
} from "@switchboard/core/internal";
import { PostgresUnavailableError, startPostgres } from "@switchboard/testkit/postgres";
import type { BenchOptions } from "../env.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";

const MESSAGES = 20_000;
const BATCH = 100;
const SINGLES = 1_000;
const TENANT = 1;

const clock = { now: () => Date.now() };

function queued(i: number): QueuedMessage {
  return {
    tenantId: TENANT,
    message: {
      chat: { id: `chat-${i % 200}`, contact: `contact-${i % 200}`, subject: null },
      message: { id: `m-${i}`, content: { text: `message number ${i}`, format: "text" }, attachments: [] },
    },
  };
}

/** Per second, rounded: `count` over `ms`. */
const rate = (count: number, ms: number) => (count * 1000) / ms;

interface StoreRates {
  insertBatch: number;
  insertOne: number;
  claim: number;
  markSent: number;
}

/** Stores, claims and marks sent MESSAGES messages with `writers` callers at once; answers the rates. */
async function measure(store: OutgoingStore, writers: number): Promise<StoreRates> {
  const now = clock.now();
  const perWriter = MESSAGES / writers;
  let t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i += BATCH) {
        await store.insertAll(
          Array.from({ length: BATCH }, (_, j) => queued(w * perWriter + i + j)),
          now,
        );
      }
    }),
  );
  const insertBatch = rate(MESSAGES, performance.now() - t);
  t = performance.now();
  const claimed = (
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const rows = [];
        for (;;) {
          const got = await store.claimDue(TENANT, now, now + 600_000, BATCH);
          if (got.length === 0) return rows;
          rows.push(...got);
        }
      }),
    )
  ).flat();
  const claim = rate(claimed.length, performance.now() - t);
  t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const mine = claimed.filter((_, i) => i % writers === w);
      for (let i = 0; i < mine.length; i += BATCH) {
        await store.markSent(
          mine.slice(i, i + BATCH).map((row) => ({ row, ids: [`g-${row.id}`] })),
          now,
        );
      }
    }),
  );
  const markSent = rate(claimed.length, performance.now() - t);
  t = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < SINGLES / writers; i++) await store.insertAll([queued(MESSAGES + w * SINGLES + i)], now);
    }),
  );
  const insertOne = rate(SINGLES, performance.now() - t);
  return { insertBatch, insertOne, claim, markSent };
}

function storeFigures(label: string, r: StoreRates): Figure[] {
  return [
    figure(`${label} insertAll (100 a call)`, r.insertBatch, "msg/s"),
    figure(`${label} insertAll (1 a call)`, r.insertOne, "msg/s"),
    figure(`${label} claimDue (100 a claim)`, r.claim, "rows/s"),
    figure(`${label} markSent (100 a call)`, r.markSent, "msg/s"),
  ];
}

/** SQLite, then PostgreSQL with one writer and with four. */
export async function outgoingStoreScenario(
  _options: BenchOptions,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const all: Figure[] = [];
  const notes: string[] = [`${MESSAGES} messages of one tenant, ${SINGLES} single inserts`];
  const details: Record<string, unknown> = {};

  const dir = mkdtempSync(join(tmpdir(), "switchboard-store-bench-"));
  try {
    log("outgoing store: SQLite");
    const db = openDatabase(join(dir, "bench.sqlite"));
    const outbox = new SqliteOutboxStore(db, { clock, maxAgeMs: 86_400_000, wake: () => {} });
    const sqlite = await measure(new SqliteOutgoingStore(db, outbox), 1);
    db.$client.close();
    all.push(...storeFigures("SQLite", sqlite));
    details.sqlite = sqlite;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let server;
  try {
    server = await startPostgres();
  } catch (error) {
    if (!(error instanceof PostgresUnavailableError)) throw error;
    notes.push(`PostgreSQL skipped: ${error.message}`);
    return { scenario: "outgoing-store", figures: all, notes, details };
  }
  try {
    for (const writers of [1, 4]) {
      log(`outgoing store: PostgreSQL, ${writers} writer(s)`);
      const pg = await openPostgres(await server.createDatabase(), { poolSize: Math.max(writers, 2) });
      try {
        const outbox = new PgOutboxStore(pg, { clock, maxAgeMs: 86_400_000, wake: () => {} });
        const result = await measure(new PgOutgoingStore(pg, outbox), writers);
        all.push(...storeFigures(`PostgreSQL ×${writers}`, result));
        details[`postgres${writers}`] = result;
      } finally {
        await pg.$client.end();
      }
    }
    notes.push("PostgreSQL: a local server with fsync on (each commit waits for the disk); SQLite: WAL");
  } finally {
    await server.stop();
  }
  return { scenario: "outgoing-store", figures: all, notes, details };
}
