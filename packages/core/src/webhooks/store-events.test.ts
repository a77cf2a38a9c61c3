import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import type { IncomingMessage, Tenant, WebhookEvent } from "../gateway/types.js";
import { SqliteOutgoingStore } from "../messages/sqlite-outgoing-store.js";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import { SqliteEventStore } from "./sqlite-event-store.js";
import { createEventIntake } from "./store-events.js";

const tenant: Tenant = {
  id: 1,
  host: "salesrender",
  key: "1/echo/1",
  publicId: "p1",
  settings: {},
  country: "US",
};

/** A message whose text is "boom" cannot be stored (a BigInt has no JSON): a request that breaks half-way. */
const message = (text: string): IncomingMessage => ({
  chat: { contact: "echo://ann" },
  message: {
    content: { text: text === "boom" ? (10n as unknown as string) : text, format: "text" },
    attachments: [],
  },
});
const incoming = (id: string, text = id, onStored?: () => void): WebhookEvent => ({
  kind: "incoming",
  message: message(text),
  externalId: id,
  ...(onStored ? { onStored } : {}),
});

let db: Database | undefined;
afterEach(() => {
  db?.$client.close();
  db = undefined;
});

/**
 * Core's event store on a real database file: each new external id is claimed and its outbox row
 * stored; follow-ups write into a table of their own.
 */
function storeOnFile() {
  const path = join(mkdtempSync(join(tmpdir(), "store-events-")), "events.sqlite");
  db = openDatabase(path);
  const sqlite = db.$client;
  sqlite.exec(`CREATE TABLE follow_ups (id TEXT PRIMARY KEY)`);
  // Every commit appends its pages to the WAL; keep them all there to count the commits' pages.
  sqlite.pragma("wal_autocheckpoint = 0");
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  const woken: number[] = [];
  const outbox = new SqliteOutboxStore(db, {
    clock: { now: () => Date.now() },
    maxAgeMs: 60_000,
    wake: (tenantId) => woken.push(tenantId),
  });
  const store = new SqliteEventStore(db, { outbox, outgoing: new SqliteOutgoingStore(db, outbox) });
  const followUpErrors: unknown[] = [];
  const events = createEventIntake(store, (error) => followUpErrors.push(error));
  const followUp = (id: string) => sqlite.prepare(`INSERT INTO follow_ups (id) VALUES (?)`).run(id);
  /** What is stored: the claimed external ids and the follow-ups' rows. */
  const rows = () =>
    (
      sqlite
        .prepare(`SELECT external_id AS id FROM seen_events UNION ALL SELECT id FROM follow_ups ORDER BY id`)
        .all() as { id: string }[]
    ).map((r) => r.id);
  /** The texts of the CRM requests stored, in order. */
  const outboxTexts = () =>
    (
      sqlite
        .prepare(`SELECT json_extract(body, '$.message.content.text') AS text FROM crm_outbox ORDER BY id`)
        .all() as {
        text: string;
      }[]
    ).map((r) => r.text);
  const walBytes = () => statSync(`${path}-wal`).size;
  return { events, rows, outboxTexts, walBytes, followUpErrors, followUp, woken };
}

describe("the event store", () => {
  it("commits requests that arrive in the same turn once, and dedupes across them", async () => {
    const { events, rows, outboxTexts, walBytes, woken } = storeOnFile();
    // One request alone: one commit, its pages in the WAL.
    await events.storeSoon(tenant, [incoming("solo")]);
    const oneCommit = walBytes();
    const before = walBytes();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => events.storeSoon(tenant, [incoming(`u${i % 10}`)])),
    );
    // Twenty requests wrote no more pages than one commit of one request would: one transaction.
    expect(walBytes() - before).toBeLessThanOrEqual(oneCommit);
    expect(results.slice(0, 10)).toEqual(Array(10).fill({ fresh: 1, repeated: 0 }));
    expect(results.slice(10)).toEqual(Array(10).fill({ fresh: 0, repeated: 1 }));
    expect(rows()).toHaveLength(11);
    // Each claim came with its CRM request, and the outbox was woken for them.
    expect(outboxTexts()).toEqual(["solo", ...Array.from({ length: 10 }, (_, i) => `u${i}`)]);
    expect(new Set(woken)).toEqual(new Set([tenant.id]));
  });

  it("rolls back only the request that failed; the others of its commit are stored and answered", async () => {
    const { events, rows, outboxTexts, followUp } = storeOnFile();
    const [first, broken, last] = await Promise.allSettled([
      events.storeSoon(tenant, [incoming("a")]),
      events.storeSoon(tenant, [incoming("b", "b", () => followUp("b-follow-up")), incoming("c", "boom")]),
      events.storeSoon(tenant, [incoming("d")]),
    ]);
    expect(first).toEqual({ status: "fulfilled", value: { fresh: 1, repeated: 0 } });
    expect(broken).toMatchObject({ status: "rejected", reason: { name: "TypeError" } });
    expect(last).toEqual({ status: "fulfilled", value: { fresh: 1, repeated: 0 } });
    // Nothing of the broken request stayed: not its first event, not that event's follow-up.
    expect(rows()).toEqual(["a", "d"]);
    expect(outboxTexts()).toEqual(["a", "d"]);
  });

  it("runs a follow-up in its request's transaction; one that fails rolls back alone and is reported", async () => {
    const { events, rows, followUpErrors, followUp } = storeOnFile();
    const seenInTransaction: boolean[] = [];
    const stored = await Promise.all([
      events.storeSoon(tenant, [
        incoming("x", "x", () => {
          seenInTransaction.push(db!.$client.inTransaction);
          followUp("x-follow-up");
        }),
      ]),
      events.storeSoon(tenant, [
        incoming("y", "y", () => {
          followUp("y-follow-up");
          throw new Error("follow-up failed");
        }),
      ]),
    ]);
    expect(stored).toEqual([
      { fresh: 1, repeated: 0 },
      { fresh: 1, repeated: 0 },
    ]);
    expect(seenInTransaction).toEqual([true]);
    expect(rows()).toEqual(["x", "x-follow-up", "y"]);
    expect(followUpErrors).toMatchObject([{ message: "follow-up failed" }]);
  });

  it("fails every request of the commit when the database refuses writes, storing none", async () => {
    const { events, rows, outboxTexts } = storeOnFile();
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const outcomes = await Promise.allSettled([
      events.storeSoon(tenant, [incoming("p", "p")]),
      events.storeSoon(tenant, [
        incoming("q", "q", () => {
          throw full;
        }),
      ]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(rows()).toEqual([]);
    expect(outboxTexts()).toEqual([]);
    // The store itself keeps working afterwards.
    expect(await events.storeSoon(tenant, [incoming("later")])).toEqual({ fresh: 1, repeated: 0 });
  });

  it("stores a request at once with store(), all or nothing", async () => {
    const { events, rows } = storeOnFile();
    expect(await events.store(tenant, [incoming("s1"), incoming("s1")])).toEqual({ fresh: 1, repeated: 1 });
    await expect(events.store(tenant, [incoming("s2"), incoming("s3", "boom")])).rejects.toThrow(TypeError);
    expect(rows()).toEqual(["s1"]);
  });
});
