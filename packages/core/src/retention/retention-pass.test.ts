/**
 * The retention pass on both stores (SQLite, and a real PostgreSQL where the machine has one):
 * rows past their retention go, younger and unfinished ones stay, statements are bounded, the
 * gateways' and hosts' purges run, and of two replicas only one purges at a time.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { eq, lt } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { openPostgres } from "../db/postgres-client.js";
import { coreTables } from "../db/schema.js";
import { FileStore } from "../files/file-store.js";
import { retentionPassLock } from "./pass-lock.js";
import { runRetentionPass, type RetentionPassOptions } from "./retention-pass.js";
import type { RetentionPolicy } from "./retention-policy.js";

const postgres = await postgresTestDatabase();

const DAY = 24 * 3600_000;
const NOW = Date.now();
const policy: RetentionPolicy = { finishedMs: 30 * DAY, dedupeMs: 7 * DAY, historyMs: 365 * DAY, filesMs: 30 * DAY };
const OLD = NOW - 31 * DAY;
const RECENT = NOW - 1 * DAY;

interface Store {
  name: string;
  open(): Promise<Database>;
  /** Empties core's tables (PostgreSQL's database is shared by the file's tests). */
  reset(db: Database): Promise<void>;
}

const stores: Store[] = [{ name: "SQLite", open: async () => openDatabase(":memory:"), reset: async () => {} }];
if (postgres) {
  stores.push({
    name: "PostgreSQL",
    open: async () => (await openPostgres(postgres.url)) as unknown as Database,
    reset: async (db) => {
      await (db as unknown as { $client: { query(q: string): Promise<unknown> } }).$client.query(
        "TRUNCATE outgoing, outgoing_parts, outgoing_send_parts, seen_events, stored_files, stored_file_contents, tenants RESTART IDENTITY CASCADE",
      );
    },
  });
}

describe.each(stores)("retention pass on $name", (store) => {
  const opened: Database[] = [];
  const open = async () => {
    const db = await store.open();
    opened.push(db);
    await store.reset(db);
    const { tenants } = coreTables.for(db);
    await db.insert(tenants).values({ id: 1, host: "salesrender", tenantKey: "1/a/2", publicId: "p1", createdAt: 0 });
    const files = new FileStore(db, store.name === "SQLite" ? mkdtempSync(join(tmpdir(), "sb-retention-")) : undefined);
    return { db, files, t: coreTables.for(db) };
  };
  afterEach(async () => {
    for (const db of opened.splice(0)) {
      if (db.dialectName === "postgres") await (db.$client as unknown as { end(): Promise<void> }).end();
      else db.$client.close();
    }
  });
  const pass = (db: Database, files: FileStore, more: Partial<RetentionPassOptions> = {}) =>
    runRetentionPass({ db, files, policy, lock: retentionPassLock(db, "echo"), ...more });

  /** Stores an outgoing message (with a part) and answers its id. */
  async function message(
    db: Database,
    row: { state: string; finishedAt: number | null; targetId?: number; action?: "send" | "edit" },
  ): Promise<number> {
    const { outgoing, outgoingParts } = coreTables.for(db);
    const [inserted] = await db
      .insert(outgoing)
      .values({
        tenantId: 1,
        payload: "{}",
        contact: "c",
        state: row.state,
        nextAttemptAt: 0,
        createdAt: OLD,
        finishedAt: row.finishedAt,
        action: row.action ?? "send",
        targetId: row.targetId ?? null,
        operationKey: row.targetId ? `op-${row.targetId}` : null,
      })
      .returning({ id: outgoing.id });
    const id = inserted!.id;
    await db.insert(outgoingParts).values({ tenantId: 1, channelMessageId: `m-${id}`, outgoingId: id });
    return id;
  }

  it("deletes messages finished before the cutoff with their parts, and keeps younger and unfinished ones", async () => {
    const { db, files, t } = await open();
    const oldSent = await message(db, { state: "sent", finishedAt: OLD });
    const oldFailed = await message(db, { state: "failed", finishedAt: OLD });
    const youngSent = await message(db, { state: "sent", finishedAt: RECENT });
    const queued = await message(db, { state: "queued", finishedAt: null });
    const leased = await message(db, { state: "leased", finishedAt: null });
    // A message an edit still in the queue targets keeps its parts: the edit needs them.
    const edited = await message(db, { state: "sent", finishedAt: OLD });
    const edit = await message(db, { state: "queued", finishedAt: null, targetId: edited, action: "edit" });

    const report = await pass(db, files);

    expect(report).toMatchObject({ ran: true, removed: { outgoing: 2, outgoing_parts: 2 }, failed: {} });
    const left = (await db.select({ id: t.outgoing.id }).from(t.outgoing)).map((r) => r.id).sort((a, b) => a - b);
    expect(left).toEqual([youngSent, queued, leased, edited, edit]);
    const parts = (await db.select({ id: t.outgoingParts.outgoingId }).from(t.outgoingParts)).map((r) => r.id);
    expect(parts.sort((a, b) => a - b)).toEqual([youngSent, queued, leased, edited, edit]);
    expect(left).not.toContain(oldSent);
    expect(left).not.toContain(oldFailed);
  });

  it("forgets dedupe ids older than their retention and keeps younger ones", async () => {
    const { db, files, t } = await open();
    await db.insert(t.seenEvents).values([
      { tenantId: 1, scope: "update", externalId: "old", seenAt: NOW - 8 * DAY },
      { tenantId: 1, scope: "update", externalId: "young", seenAt: NOW - 6 * DAY },
    ]);
    const report = await pass(db, files);
    expect(report).toMatchObject({ ran: true, removed: { seen_events: 1 } });
    expect(await db.select({ id: t.seenEvents.externalId }).from(t.seenEvents)).toEqual([{ id: "young" }]);
  });

  it("removes stored files and uploads past their lifetime with their bytes", async () => {
    const { db, files, t } = await open();
    const owner = { id: 1, key: "1/a/2" };
    const old = await files.put(owner, { name: "old.txt", contentType: "text/plain", data: Buffer.from("old") });
    const fresh = await files.put(owner, { name: "new.txt", contentType: "text/plain", data: Buffer.from("new") });
    await db.update(t.storedFiles).set({ createdAt: OLD }).where(eq(t.storedFiles.id, old));
    const report = await pass(db, files);
    expect(report).toMatchObject({ ran: true, removed: { stored_files: 1 } });
    expect(await files.open(owner, old)).toBeUndefined();
    expect(await files.open(owner, fresh)).toBeDefined();
    if (db.dialectName === "postgres") {
      const { rows } = await (db.$client as unknown as { query(q: string): Promise<{ rows: unknown[] }> }).query(
        "SELECT file_id FROM stored_file_contents",
      );
      expect(rows).toEqual([{ file_id: fresh }]);
    }
  });

  it("deletes in statements of at most the batch size, and goes on until none is left", async () => {
    const { db, files, t } = await open();
    for (let i = 0; i < 5; i++) await message(db, { state: "sent", finishedAt: OLD });
    await db
      .insert(t.seenEvents)
      .values(Array.from({ length: 5 }, (_, i) => ({ tenantId: 1, scope: "s", externalId: `e${i}`, seenAt: OLD })));
    // Stopped after the first statement of each kind: what one statement removed.
    const one = await pass(db, files, { batchSize: 2, stopped: stopAfterFirst() });
    expect(one).toMatchObject({ ran: true, removed: { outgoing: 2, outgoing_parts: 2 } });
    const all = await pass(db, files, { batchSize: 2 });
    expect(all).toMatchObject({ ran: true, removed: { outgoing: 3, outgoing_parts: 3, seen_events: 5 } });
    expect(await db.select().from(t.outgoing)).toEqual([]);
    expect(await db.select().from(t.seenEvents)).toEqual([]);

    await db
      .insert(t.seenEvents)
      .values(Array.from({ length: 5 }, (_, i) => ({ tenantId: 1, scope: "s", externalId: `f${i}`, seenAt: OLD })));
    let asked = 0;
    const seen = await pass(db, files, { batchSize: 2, stopped: () => ++asked > 2 });
    // Asked before each part and after each statement: the outgoing part, then the seen ids' first statement.
    expect(seen).toMatchObject({ ran: true, removed: { seen_events: 2 } });
  });

  it("runs the gateway's and hosts' purges with the cutoffs and the batched delete, and reports a failing one", async () => {
    const { db, files, t } = await open();
    await db.insert(t.seenEvents).values([
      { tenantId: 1, scope: "mine", externalId: "a", seenAt: NOW - 400 * DAY },
      { tenantId: 1, scope: "mine", externalId: "b", seenAt: NOW - 300 * DAY },
    ]);
    const given: number[] = [];
    // Core's own purge of dedupe ids keeps these: the gateway's purge is what removes one.
    const report = await pass(db, files, {
      policy: { ...policy, dedupeMs: 1000 * DAY },
      hooks: [
        {
          name: "broken",
          purge: async () => {
            throw new Error("its table is gone");
          },
        },
        {
          name: "echo",
          purge: async ({ cutoffs, deleteInBatches }) => {
            given.push(cutoffs.history);
            return { echo_history: await deleteInBatches(t.seenEvents, lt(t.seenEvents.seenAt, cutoffs.history)) };
          },
        },
      ],
    });
    expect(report).toMatchObject({ ran: true, removed: { echo_history: 1 }, failed: { broken: "its table is gone" } });
    expect(given).toHaveLength(1);
    expect(Math.abs(given[0]! - (NOW - 365 * DAY))).toBeLessThan(60_000);
    expect(await db.select({ id: t.seenEvents.externalId }).from(t.seenEvents)).toEqual([{ id: "b" }]);
  });

  it.runIf(store.name === "PostgreSQL")("runs one pass at a time across replicas of a gateway", async () => {
    const first = await open();
    const second = await store.open();
    opened.push(second);
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const running = pass(first.db, first.files, {
      hooks: [{ name: "echo", purge: async () => (entered(), await held, {}) }],
    });
    await inside;
    const secondFiles = new FileStore(second, undefined);
    // Another replica of the same gateway skips; another gateway on the same database does not wait.
    expect(await pass(second, secondFiles)).toEqual({ ran: false });
    const other = await runRetentionPass({
      db: second,
      files: secondFiles,
      policy,
      lock: retentionPassLock(second, "sms"),
    });
    expect(other.ran).toBe(true);
    release();
    expect((await running).ran).toBe(true);
    expect((await pass(second, secondFiles)).ran).toBe(true);
  });

  it.runIf(store.name === "SQLite")("leaves nothing behind in the files folder for removed files", async () => {
    const db = openDatabase(":memory:");
    opened.push(db);
    await db
      .insert(coreTables.sqlite.tenants)
      .values({ id: 1, host: "salesrender", tenantKey: "1/a/2", publicId: "p1", createdAt: 0 });
    const dir = mkdtempSync(join(tmpdir(), "sb-retention-"));
    const files = new FileStore(db, dir);
    const owner = { id: 1, key: "1/a/2" };
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(await files.put(owner, { name: `${i}`, contentType: "text/plain", data: Buffer.from("x") }));
    await db.update(coreTables.sqlite.storedFiles).set({ createdAt: OLD });
    expect(await pass(db, files, { batchSize: 2 })).toMatchObject({ removed: { stored_files: 3 } });
    expect(readdirSync(join(dir, "1", "a", "2"))).toEqual([]);
  });
});

/** A `stopped` that answers true from its second question on: the pass ends after its first statement. */
function stopAfterFirst(): () => boolean {
  let asked = 0;
  return () => ++asked > 1;
}
