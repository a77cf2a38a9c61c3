import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import type { GatewayRuntime, IncomingMessage, Tenant, WebhookEvent } from "../gateway/types.js";
import { createEventStore } from "./store-events.js";

const tenant: Tenant = {
  id: 1,
  host: "salesrender",
  key: "1/echo/1",
  publicId: "p1",
  settings: {},
  country: "US",
};

const message = (text: string): IncomingMessage => ({
  chat: { contact: "echo://ann" },
  message: { content: { text, format: "text" }, attachments: [] },
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
 * A real database file; "forwarding" writes one row per new external id, as core's outbox does,
 * and a text of "boom" fails after writing (a request that breaks half-way).
 */
function storeOnFile() {
  const path = join(mkdtempSync(join(tmpdir(), "store-events-")), "events.sqlite");
  db = openDatabase(path);
  const sqlite = db.$client;
  sqlite.exec(`CREATE TABLE forwarded (external_id TEXT PRIMARY KEY, text TEXT NOT NULL)`);
  // Every commit appends its pages to the WAL; keep them all there to count the commits' pages.
  sqlite.pragma("wal_autocheckpoint = 0");
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  const insert = sqlite.prepare(`INSERT OR IGNORE INTO forwarded (external_id, text) VALUES (?, ?)`);
  const runtime: Pick<GatewayRuntime, "forwardIncoming" | "reportStatus"> = {
    forwardIncoming(_tenant, m, options) {
      const isNew = insert.run(options?.externalId, m.message.content?.text ?? "").changes > 0;
      if (m.message.content?.text === "boom") throw new TypeError("broke half-way");
      return isNew;
    },
    reportStatus: () => false,
  };
  const followUpErrors: unknown[] = [];
  const events = createEventStore(db, runtime, (error) => followUpErrors.push(error));
  const rows = () =>
    (sqlite.prepare(`SELECT external_id FROM forwarded ORDER BY external_id`).all() as { external_id: string }[]).map(
      (r) => r.external_id,
    );
  const walBytes = () => statSync(`${path}-wal`).size;
  return { events, rows, walBytes, followUpErrors, sqlite };
}

describe("the event store", () => {
  it("commits requests that arrive in the same turn once, and dedupes across them", async () => {
    const { events, rows, walBytes } = storeOnFile();
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
  });

  it("rolls back only the request that failed; the others of its commit are stored and answered", async () => {
    const { events, rows, sqlite } = storeOnFile();
    const write = sqlite.prepare(`INSERT INTO forwarded (external_id, text) VALUES ('b-follow-up', 'follow-up')`);
    const [first, broken, last] = await Promise.allSettled([
      events.storeSoon(tenant, [incoming("a")]),
      events.storeSoon(tenant, [incoming("b", "b", () => write.run()), incoming("c", "boom")]),
      events.storeSoon(tenant, [incoming("d")]),
    ]);
    expect(first).toEqual({ status: "fulfilled", value: { fresh: 1, repeated: 0 } });
    expect(broken).toMatchObject({ status: "rejected", reason: { message: "broke half-way" } });
    expect(last).toEqual({ status: "fulfilled", value: { fresh: 1, repeated: 0 } });
    // Nothing of the broken request stayed: not its first event, not that event's follow-up.
    expect(rows()).toEqual(["a", "d"]);
  });

  it("runs a follow-up in its request's transaction; one that fails rolls back alone and is reported", async () => {
    const { events, rows, followUpErrors, sqlite } = storeOnFile();
    const write = sqlite.prepare(`INSERT INTO forwarded (external_id, text) VALUES (?, 'follow-up')`);
    const seenInTransaction: boolean[] = [];
    const stored = await Promise.all([
      events.storeSoon(tenant, [
        incoming("x", "x", () => {
          seenInTransaction.push(sqlite.inTransaction);
          write.run("x-follow-up");
        }),
      ]),
      events.storeSoon(tenant, [
        incoming("y", "y", () => {
          write.run("y-follow-up");
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
    const { events, rows, sqlite } = storeOnFile();
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const runtime = createEventStore(
      db!,
      {
        forwardIncoming: (_t, m) => {
          if (m.message.content?.text === "full") throw full;
          sqlite.prepare(`INSERT INTO forwarded (external_id, text) VALUES (?, ?)`).run(m.message.content?.text, "ok");
          return true;
        },
        reportStatus: () => false,
      },
      () => undefined,
    );
    const outcomes = await Promise.allSettled([
      runtime.storeSoon(tenant, [incoming("p", "p")]),
      runtime.storeSoon(tenant, [incoming("q", "full")]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(rows()).toEqual([]);
    // The store itself keeps working afterwards.
    expect(await events.storeSoon(tenant, [incoming("later")])).toEqual({ fresh: 1, repeated: 0 });
  });

  it("stores a request at once with store(), all or nothing", () => {
    const { events, rows } = storeOnFile();
    expect(events.store(tenant, [incoming("s1"), incoming("s1")])).toEqual({ fresh: 1, repeated: 1 });
    expect(() => events.store(tenant, [incoming("s2"), incoming("s3", "boom")])).toThrow("broke half-way");
    expect(rows()).toEqual(["s1"]);
  });
});
