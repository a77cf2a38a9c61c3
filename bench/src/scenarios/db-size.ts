/**
 * @module scenarios/db-size — the database size per million messages on SQLite and PostgreSQL,
 * and what the retention pass gives back. Half the messages go from the CRM to customers (stored
 * by `insertAll`, leased by `claimDue`, sent by `markSent` with a part each, one in ten split in
 * two, then `delivered` reported by the channel through the event store), half come from
 * customers (the event store's dedupe id and CRM request); the CRM outbox's requests are
 * delivered (deleted) as the outbox does. Their times are spread over 60 days ending now, so the
 * pass (30 days of finished messages, 7 of dedupe ids) removes about half the messages and most
 * dedupe ids.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@switchboard/core";
import { count } from "drizzle-orm";
import {
  FileStore,
  coreStores,
  coreTables,
  createLogger,
  loadCoreConfig,
  openDatabase,
  openPostgres,
  retentionPassLock,
  retentionPolicy,
  runRetentionPass,
  type CoreStores,
  type QueuedMessage,
  type RetentionReport,
} from "@switchboard/core/internal";
import { PostgresUnavailableError, startPostgres } from "@switchboard/testkit/postgres";
import type { BenchOptions } from "../env.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";

const DAY = 24 * 3600_000;
const SPAN = 60 * DAY;
const TENANTS = 4;
/** Messages per step (half out, half in), each step one point in time. */
const STEP = 4000;
const BATCH = 500;
const MB = 1024 * 1024;
const logger = createLogger({ level: "silent", name: "bench" });

/** A customer's or an operator's words: 20 to 400 characters, the same on every run. */
function text(i: number): string {
  const words = ["hello", "order", "delivery", "tomorrow", "thanks", "price", "address", "please", "when", "ok"];
  const length = 20 + ((i * 7919) % 380);
  let out = `#${i}`;
  for (let w = i; out.length < length; w = (w * 31 + 7) % 1009) out += ` ${words[w % words.length]}`;
  return out.slice(0, length);
}

const contact = (i: number) => `+1555${String(i % 5000).padStart(7, "0")}`;

function outgoing(i: number, tenantId: number): QueuedMessage {
  return {
    tenantId,
    message: {
      chat: { id: `chat-${i % 5000}`, contact: contact(i), subject: null },
      message: { id: `crm-${i}`, content: { text: text(i), format: "text" }, attachments: [] },
    },
  };
}

/** Stores and finishes `count` messages through the stores, as gateways do; answers the seconds it took. */
async function fill(db: Database, stores: CoreStores, count: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  const { crmOutbox } = coreTables.for(db);
  const steps = Math.ceil(count / STEP);
  const first = Date.now() - SPAN;
  for (let step = 0; step < steps; step++) {
    const now = first + Math.floor((SPAN * step) / steps);
    const base = step * STEP;
    // Each tenant's share at once: on PostgreSQL concurrent writers, as replicas and requests are.
    await Promise.all(
      Array.from({ length: TENANTS }, async (_, t) => {
        const tenantId = t + 1;
        const mine = Array.from({ length: STEP / 2 / TENANTS }, (_, k) => base + 2 * (k * TENANTS + t));
        for (let b = 0; b < mine.length; b += BATCH) {
          const slice = mine.slice(b, b + BATCH);
          await stores.outgoing.insertAll(
            slice.map((i) => outgoing(i, tenantId)),
            now,
          );
          const rows = await stores.outgoing.claimDue(tenantId, now, now + 60_000, slice.length);
          const sent = rows.map((row) => ({
            row,
            ids: row.id % 10 === 0 ? [`tg-${row.id}-1`, `tg-${row.id}-2`] : [`tg-${row.id}`],
          }));
          await stores.outgoing.markSent(sent, now);
          await stores.events.storeAll(
            sent.map(({ ids }) => ({
              tenantId,
              events: ids.map((channelMessageId) => ({
                kind: "status" as const,
                channelMessageId,
                status: "delivered" as const,
              })),
            })),
            now + 1000,
          );
          // The customers' side: one incoming message per outgoing one.
          await stores.events.storeAll(
            slice.map((i) => ({
              tenantId,
              events: [
                {
                  kind: "incoming" as const,
                  externalId: `update-${i + 1}`,
                  body: {
                    chat: { id: null, contact: contact(i), subject: null },
                    message: { content: { text: text(i + 1), format: "text" as const }, attachments: [] },
                    customer: { name: `Customer ${i % 5000}` },
                  },
                  orderKey: contact(i),
                },
              ],
            })),
            now + 2000,
          );
        }
      }),
    );
    // The outbox delivered them: a delivered request leaves its table.
    await db.delete(crmOutbox);
    if (step % 25 === 24) log(`db-size: ${(step + 1) * STEP} messages stored`);
  }
  return (performance.now() - started) / 1000;
}

/** Bytes of each table with its indexes, biggest first. */
type TableSizes = Record<string, number>;

interface Sizes {
  /** The database on disk (SQLite: file + WAL; PostgreSQL: pg_database_size). */
  total: number;
  /** SQLite: of it, the WAL. */
  wal?: number;
  tables: TableSizes;
  /** SQLite: bytes of free pages in the file (reused before it grows). */
  free?: number;
}

function sqliteSizes(db: Database, path: string): Sizes {
  const sqlite = db.$client;
  // dbstat and PRAGMAs have no query-builder form.
  const rows = sqlite
    .prepare(
      `SELECT coalesce(m.tbl_name, s.name) AS name, sum(s.pgsize) AS bytes FROM dbstat s
       LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY 1 ORDER BY 2 DESC`,
    )
    .all() as { name: string; bytes: number }[];
  const page = sqlite.pragma("page_size", { simple: true }) as number;
  const free = (sqlite.pragma("freelist_count", { simple: true }) as number) * page;
  const wal = (() => {
    try {
      return statSync(`${path}-wal`).size;
    } catch {
      return 0;
    }
  })();
  return {
    total: statSync(path).size + wal,
    wal,
    tables: Object.fromEntries(rows.map((r) => [r.name, r.bytes])),
    free,
  };
}

/** What the sizes need of the pool. */
interface Queryable {
  query<R>(text: string): Promise<{ rows: R[] }>;
}

async function postgresSizes(pool: Queryable): Promise<Sizes> {
  // Size functions have no query-builder form.
  const total = await pool.query<{ bytes: string }>("SELECT pg_database_size(current_database()) AS bytes");
  const tables = await pool.query<{ name: string; bytes: string }>(
    `SELECT relname AS name, pg_total_relation_size(oid) AS bytes FROM pg_class
     WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC`,
  );
  return {
    total: Number(total.rows[0]!.bytes),
    tables: Object.fromEntries(tables.rows.map((r) => [r.name, Number(r.bytes)])),
  };
}

/** The tables worth a line: those over 1 MiB. */
const big = (tables: TableSizes) =>
  Object.entries(tables)
    .filter(([, bytes]) => bytes >= MB)
    .map(([name, bytes]) => `${name} ${(bytes / MB).toFixed(1)} MiB`)
    .join(", ");

/** Rows of the tables that grow with messages. */
async function rowCounts(db: Database): Promise<Record<string, number>> {
  const { outgoing, outgoingParts, seenEvents, crmOutbox } = coreTables.for(db);
  const tables = { outgoing, outgoing_parts: outgoingParts, seen_events: seenEvents, crm_outbox: crmOutbox };
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    counts[name] = Number((await db.select({ n: count() }).from(table))[0]?.n ?? 0);
  }
  return counts;
}

/** Bytes per row of the compacted tables, for the notes. */
const perRow = (run: StoreRun) =>
  Object.entries(run.rowsLeft)
    .filter(([, rows]) => rows > 0)
    .map(([name, rows]) => `${name} ${Math.round((run.compacted.tables[name] ?? 0) / rows)} B/row`)
    .join(", ");

interface StoreRun {
  /** Rows left after the pass, by table. */
  rowsLeft: Record<string, number>;
  fillSeconds: number;
  before: Sizes;
  pass: RetentionReport;
  afterPass: Sizes;
  /** PostgreSQL: after a plain VACUUM, what autovacuum does. */
  vacuumed?: Sizes;
  compacted: Sizes;
  compactSeconds: number;
}

async function pass(db: Database, files: FileStore): Promise<RetentionReport> {
  const config = loadCoreConfig({ LV_PLUGIN_SELF_URI: "http://127.0.0.1/" });
  return runRetentionPass({ db, files, policy: retentionPolicy(config), lock: retentionPassLock(db, "bench") });
}

async function runSqlite(count: number, log: (line: string) => void): Promise<StoreRun> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-db-size-"));
  try {
    const path = join(dir, "bench.sqlite");
    const db = openDatabase(path);
    const stores = await coreStores(db, {
      clock: { now: () => Date.now() },
      outboxMaxAgeMs: DAY,
      wake: () => {},
      databaseUrl: undefined,
      logger,
    });
    const fillSeconds = await fill(db, stores, count, log);
    // The WAL folded into the file, as checkpoints do while the gateway runs.
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    const before = sqliteSizes(db, path);
    const report = await pass(db, new FileStore(db, join(dir, "files")));
    const afterPass = sqliteSizes(db, path);
    const rowsLeft = await rowCounts(db);
    const t = performance.now();
    db.$client.exec("VACUUM");
    db.$client.pragma("wal_checkpoint(TRUNCATE)");
    const compactSeconds = (performance.now() - t) / 1000;
    const compacted = sqliteSizes(db, path);
    await stores.close();
    db.$client.close();
    return { rowsLeft, fillSeconds, before, pass: report, afterPass, compacted, compactSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runPostgres(url: string, count: number, log: (line: string) => void): Promise<StoreRun> {
  const postgres = await openPostgres(url, { poolSize: 8 });
  const db = postgres as unknown as Database;
  const pool = postgres.$client;
  const stores = await coreStores(db, {
    clock: { now: () => Date.now() },
    outboxMaxAgeMs: DAY,
    wake: () => {},
    databaseUrl: url,
    logger,
  });
  try {
    const fillSeconds = await fill(db, stores, count, log);
    // Measured after what autovacuum does in the background (every update leaves a dead row
    // version; VACUUM makes its space reusable, the files keep their size).
    await pool.query("VACUUM");
    const before = await postgresSizes(pool);
    const report = await pass(db, new FileStore(db, undefined));
    const afterPass = await postgresSizes(pool);
    const rowsLeft = await rowCounts(db);
    await pool.query("VACUUM");
    const vacuumed = await postgresSizes(pool);
    const t = performance.now();
    await pool.query("VACUUM FULL");
    const compactSeconds = (performance.now() - t) / 1000;
    const compacted = await postgresSizes(pool);
    return { rowsLeft, fillSeconds, before, pass: report, afterPass, vacuumed, compacted, compactSeconds };
  } finally {
    await stores.close();
    await pool.end();
  }
}

function removedRows(report: RetentionReport): number {
  return report.ran ? Object.values(report.removed).reduce((a, b) => a + b, 0) : 0;
}

function storeFigures(label: string, run: StoreRun, count: number): Figure[] {
  const perMillion = (bytes: number) => (bytes / MB) * (1_000_000 / count);
  const passSeconds = run.pass.ran ? run.pass.durationMs / 1000 : 0;
  return [
    figure(`${label}: size per 1 M messages`, perMillion(run.before.total), "MiB"),
    figure(`${label}: size after the retention pass`, perMillion((run.vacuumed ?? run.afterPass).total), "MiB"),
    figure(`${label}: size compacted after the pass`, perMillion(run.compacted.total), "MiB"),
    figure(`${label}: retention pass`, passSeconds, "s"),
    figure(
      `${label}: rows the pass removed per second`,
      removedRows(run.pass) / Math.max(passSeconds, 0.001),
      "rows/s",
    ),
  ];
}

function storeNotes(label: string, run: StoreRun): string[] {
  const removed = run.pass.ran ? JSON.stringify(run.pass.removed) : "skipped";
  return [
    `${label}: filled in ${Math.round(run.fillSeconds)} s; tables before: ${big(run.before.tables)}`,
    `${label}: the pass removed ${removed}, left ${JSON.stringify(run.rowsLeft)}; tables compacted: ${big(run.compacted.tables)} (compaction ${Math.round(run.compactSeconds)} s): ${perRow(run)} with their indexes`,
  ];
}

/** SQLite, then PostgreSQL (a throwaway local server). */
export async function dbSizeScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const count = Math.max(STEP, Math.round(options.dbSizeMessages / STEP) * STEP);
  const figures: Figure[] = [];
  const notes: string[] = [
    `${count} messages over 60 days, ${TENANTS} tenants: half outgoing (sent, 1 in 10 in two parts, delivered), half incoming (dedupe id, CRM request delivered); default retention (30 days finished, 7 days dedupe ids)`,
  ];
  const details: Record<string, unknown> = { messages: count };

  log("db-size: SQLite");
  const sqlite = await runSqlite(count, log);
  figures.push(...storeFigures("SQLite", sqlite, count));
  notes.push(...storeNotes("SQLite", sqlite));
  notes.push(
    `SQLite: after the pass the file keeps its size, ${((sqlite.afterPass.free ?? 0) / MB).toFixed(1)} MiB of it free pages that new rows reuse; VACUUM (exclusive, rewrites the file) gives it back`,
  );
  details.sqlite = sqlite;

  let server;
  try {
    server = await startPostgres();
  } catch (error) {
    if (!(error instanceof PostgresUnavailableError)) throw error;
    notes.push(`PostgreSQL skipped: ${error.message}`);
    return { scenario: "db-size", figures, notes, details };
  }
  try {
    log("db-size: PostgreSQL");
    const postgres = await runPostgres(await server.createDatabase(), count, log);
    figures.push(...storeFigures("PostgreSQL", postgres, count));
    notes.push(...storeNotes("PostgreSQL", postgres));
    notes.push(
      `PostgreSQL: sizes after a plain VACUUM (what autovacuum does); after the pass the files keep their size, the deleted rows' space reusable by new ones; VACUUM FULL (exclusive, rewrites the tables) gives it back`,
    );
    details.postgres = postgres;
  } finally {
    await server.stop();
  }
  return { scenario: "db-size", figures, notes, details };
}
