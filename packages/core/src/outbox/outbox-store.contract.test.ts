import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { PG_NUMBERS } from "../db/pg-numbers.js";
import { emptyPgCoreTables, openPgCoreTables } from "../db/test/pg-core-tables.js";
import type { OutboxRequest, OutboxRow, OutboxStore } from "./outbox-store.js";
import { lockOrderKeys } from "./pg-outbox-rows.js";
import { DELIVERY_LOCK_CLASS, PgOutboxStore } from "./pg-outbox-store.js";
import { SqliteOutboxStore } from "./sqlite-outbox-store.js";

// One suite for every OutboxStore: each implementation opens a store on an empty table. Several
// stores on one database exist only on PostgreSQL (SQLite is one process per file, refused at start).
const MAX_AGE = 60_000;
const T0 = 1_700_000_000_000;

/** A clock the test moves. */
class TestClock {
  t = T0;
  now(): number {
    return this.t;
  }
}

interface Harness {
  store: OutboxStore;
  clock: TestClock;
  /** Stores requests at the clock's time (with the store's maximum age). */
  insert(requests: readonly OutboxRequest[]): Promise<void>;
  /** Tenants woken, in order. */
  woken: number[];
  /** Every stored row, by id, read behind the store's back. */
  peek(): Promise<OutboxRow[]>;
  /** Another store on the same database (a second replica), when the implementation has one. */
  another?(): Promise<OutboxStore>;
}

interface Implementation {
  name: string;
  open(): Promise<Harness>;
}

const pgDatabase = await postgresTestDatabase();
let pgPool: pg.Pool | undefined;
const pgStores: PgOutboxStore[] = [];
afterEach(async () => {
  for (const store of pgStores.splice(0)) await store.close();
});
afterAll(async () => {
  await pgPool?.end();
});

const sqliteDatabases: Database[] = [];
afterEach(() => {
  for (const db of sqliteDatabases.splice(0)) db.$client.close();
});

const implementations: Implementation[] = [
  {
    name: "SQLite",
    async open() {
      const db = openDatabase(":memory:");
      sqliteDatabases.push(db);
      const clock = new TestClock();
      const woken: number[] = [];
      const store = new SqliteOutboxStore(db, { clock, maxAgeMs: MAX_AGE, wake: (t) => woken.push(t) });
      return {
        store,
        clock,
        woken,
        insert: (requests) => store.insertAll(requests),
        peek: async () => db.$client.prepare("SELECT * FROM crm_outbox ORDER BY id").all() as OutboxRow[],
      };
    },
  },
];
if (pgDatabase) {
  implementations.push({
    name: "PostgreSQL",
    async open() {
      pgPool ??= await openPgCoreTables(pgDatabase.url);
      const pool = pgPool;
      await emptyPgCoreTables(pool);
      const clock = new TestClock();
      const woken: number[] = [];
      const make = () => {
        const store = new PgOutboxStore({ $client: pool }, { clock, maxAgeMs: MAX_AGE, wake: (t) => woken.push(t) });
        pgStores.push(store);
        return store;
      };
      const store = make();
      return {
        store,
        clock,
        woken,
        insert: (requests) => store.insertAll(requests),
        peek: async () =>
          (await pool.query({ text: "SELECT * FROM crm_outbox ORDER BY id", types: PG_NUMBERS })).rows as OutboxRow[],
        another: async () => make(),
      };
    },
  });
}

const incoming = (tenantId: number, contact: string, text: string): OutboxRequest => ({
  tenantId,
  kind: "incoming",
  body: { chat: { contact }, message: { content: { text } } },
  orderKey: contact,
});

describe.skipIf(implementations.length === 0).each(implementations)("OutboxStore on $name", (impl) => {
  let h: Harness;
  beforeEach(async () => {
    h = await impl.open();
  });

  it("stores requests with their key prefixed by kind and tenant, due now, expiring after the maximum age, and wakes their tenants", async () => {
    await h.insert([incoming(1, "bob", "hi"), { tenantId: 2, kind: "status", body: { id: "m1" }, orderKey: "m1" }]);
    const rows = await h.peek();
    expect(
      rows.map(({ id, tenant_id, kind, order_key, attempts, next_attempt_at, created_at, expires_at }) => ({
        id,
        tenant_id,
        kind,
        order_key,
        attempts,
        next_attempt_at,
        created_at,
        expires_at,
      })),
    ).toEqual([
      {
        id: 1,
        tenant_id: 1,
        kind: "incoming",
        order_key: "incoming:1:bob",
        attempts: 0,
        next_attempt_at: T0,
        created_at: T0,
        expires_at: T0 + MAX_AGE,
      },
      {
        id: 2,
        tenant_id: 2,
        kind: "status",
        order_key: "status:2:m1",
        attempts: 0,
        next_attempt_at: T0,
        created_at: T0,
        expires_at: T0 + MAX_AGE,
      },
    ]);
    expect(JSON.parse(rows[0]!.body)).toEqual(incoming(1, "bob", "hi").body);
    expect([...new Set(h.woken)].sort()).toEqual([1, 2]);
    expect(await h.store.count()).toBe(2);
  });

  it("offers only the head of each order key, earliest first, one tenant at a time, up to the limit", async () => {
    await h.insert([
      incoming(1, "bob", "b1"),
      incoming(1, "bob", "b2"),
      incoming(1, "ann", "a1"),
      incoming(2, "bob", "x"),
    ]);
    h.clock.t += 10;
    await h.insert([incoming(1, "cid", "c1")]);
    const now = h.clock.now();
    expect(await h.store.dueHeads(1, now, 10)).toEqual([
      { id: 1, order_key: "incoming:1:bob" },
      { id: 3, order_key: "incoming:1:ann" },
      { id: 5, order_key: "incoming:1:cid" },
    ]);
    expect(await h.store.dueHeads(1, now, 2)).toHaveLength(2);
    expect(await h.store.dueHeads(1, T0 - 1, 10)).toEqual([]);
    expect(await h.store.dueHeads(2, now, 10)).toEqual([{ id: 4, order_key: "incoming:2:bob" }]);
    // The next row of a key is its head once the one ahead of it is gone.
    await h.store.remove(1);
    expect((await h.store.dueHeads(1, now, 10)).map((head) => head.id)).toEqual([2, 3, 5]);
  });

  it("answers the rows asked for that are still stored, in the order asked", async () => {
    await h.insert([incoming(1, "a", "1"), incoming(1, "b", "2"), incoming(1, "c", "3")]);
    await h.store.remove(2);
    const rows = await h.store.rows([3, 2, 1, 99]);
    expect(rows.map((row) => [row.id, JSON.parse(row.body).message.content.text])).toEqual([
      [3, "3"],
      [1, "1"],
    ]);
  });

  it("a retry counts the head's attempt and holds the rows behind it until then", async () => {
    await h.insert([
      incoming(1, "bob", "b1"),
      incoming(1, "bob", "b2"),
      incoming(1, "bob", "b3"),
      incoming(1, "ann", "a1"),
    ]);
    const later = T0 + 5_000;
    await h.store.retry({ id: 1, order_key: "incoming:1:bob" }, 1, later, "CRM answered 503");
    const rows = await h.peek();
    expect(rows.map((row) => [row.id, row.attempts, row.next_attempt_at, row.last_error])).toEqual([
      [1, 1, later, "CRM answered 503"],
      [2, 0, later, null],
      [3, 0, later, null],
      [4, 0, T0, null],
    ]);
    expect(await h.store.dueHeads(1, T0 + 1, 10)).toEqual([{ id: 4, order_key: "incoming:1:ann" }]);
    // A request stored for the key meanwhile waits behind it too: the invariant.
    h.clock.t = T0 + 100;
    await h.insert([incoming(1, "bob", "b4")]);
    expect((await h.peek()).at(-1)!.next_attempt_at).toBe(later);
    await h.store.remove(4);
    expect(await h.store.tenantNextDue(1)).toBe(later);
    expect(await h.store.dueHeads(1, later, 10)).toEqual([{ id: 1, order_key: "incoming:1:bob" }]);
  });

  it("answers each tenant's earliest due time, and none for a tenant without requests", async () => {
    await h.insert([incoming(1, "bob", "b1")]);
    h.clock.t = T0 + 50;
    await h.insert([incoming(2, "bob", "x"), incoming(1, "ann", "a1")]);
    await h.store.retry({ id: 1, order_key: "incoming:1:bob" }, 1, T0 + 900, "down");
    expect(await h.store.tenantNextDue(1)).toBe(T0 + 50);
    expect(await h.store.tenantNextDue(2)).toBe(T0 + 50);
    expect(await h.store.tenantNextDue(3)).toBeNull();
    expect((await h.store.pendingTenants()).sort((a, b) => a.tenant_id - b.tenant_id)).toEqual([
      { tenant_id: 1, t: T0 + 50 },
      { tenant_id: 2, t: T0 + 50 },
    ]);
    expect(await h.store.count()).toBe(3);
  });
});

describe.skipIf(!pgDatabase)("OutboxStore on PostgreSQL, several replicas on one database", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await implementations.find((impl) => impl.name === "PostgreSQL")!.open();
  });

  it("two stores taking the same tenant's heads at once never deliver a head twice, and keep each key's order", async () => {
    const keys = ["a", "b", "c", "d", "e"];
    const requests: OutboxRequest[] = [];
    for (let i = 0; i < 8; i++) for (const key of keys) requests.push(incoming(1, key, `${key}${i}`));
    await h.insert(requests);
    const delivered: { by: string; id: number; key: string; text: string }[] = [];
    const replica = async (name: string, store: OutboxStore) => {
      for (let round = 0; round < 1_000 && (await store.count()) > 0; round++) {
        const heads = await store.dueHeads(1, h.clock.now(), 10);
        const rows = await store.rows(heads.map((head) => head.id));
        // Deliver them all at once, as the worker does (one per key).
        await Promise.all(
          rows.map(async (row) => {
            delivered.push({
              by: name,
              id: row.id,
              key: row.order_key,
              text: JSON.parse(row.body).message.content.text,
            });
            await new Promise((resolve) => setImmediate(resolve));
            await store.remove(row.id);
          }),
        );
      }
    };
    await Promise.all([replica("one", h.store), replica("two", await h.another!())]);
    expect(delivered.map((d) => d.id).sort((a, b) => a - b)).toEqual(requests.map((_, i) => i + 1));
    for (const key of keys) {
      expect(delivered.filter((d) => d.key === `incoming:1:${key}`).map((d) => d.text)).toEqual(
        Array.from({ length: 8 }, (_, i) => `${key}${i}`),
      );
    }
    // Both took part (each key's heads went to whichever asked first).
    expect(new Set(delivered.map((d) => d.by)).size).toBe(2);
  });

  it("a head being delivered by one store is not handed to another until it is removed or retried", async () => {
    await h.insert([incoming(1, "bob", "b1"), incoming(1, "bob", "b2")]);
    const other = await h.another!();
    expect((await h.store.rows([1])).map((row) => row.id)).toEqual([1]);
    expect(await other.rows([1])).toEqual([]);
    // Nor twice to the same store.
    expect(await h.store.rows([1])).toEqual([]);
    await h.store.retry({ id: 1, order_key: "incoming:1:bob" }, 1, T0, "timeout");
    expect((await other.rows([1])).map((row) => row.attempts)).toEqual([1]);
    // A store that goes away (a replica that died) gives its heads back.
    await (other as PgOutboxStore).close();
    expect((await h.store.rows([1])).map((row) => row.id)).toEqual([1]);
  });

  it("a store whose locks' connection is cut gives its heads back, and takes heads again on a new connection", async () => {
    await h.insert([incoming(1, "bob", "b1"), incoming(1, "ann", "a1")]);
    const other = await h.another!();
    expect((await h.store.rows([1])).map((row) => row.id)).toEqual([1]);
    // The server ends the connection holding the store's delivery locks (a network cut, a restart).
    await pgPool!.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted`,
      [DELIVERY_LOCK_CLASS],
    );
    await waitUntil(async () => (await other.rows([1])).length === 1);
    await other.remove(1);
    // The first store carries on: its finished head is gone, and it takes the next on a new connection.
    await h.store.remove(1);
    expect((await h.store.rows([2])).map((row) => row.id)).toEqual([2]);
    expect(await other.rows([2])).toEqual([]);
  });

  it("a request stored while another transaction holds its order key waits for it, and sees the time it set", async () => {
    await h.insert([incoming(1, "bob", "b1")]);
    const pool = pgPool!;
    const retrying = await pool.connect();
    try {
      // Another replica's retry of the head, between its lock and its commit.
      await retrying.query("BEGIN");
      await lockOrderKeys(retrying, ["incoming:1:bob"]);
      await retrying.query("UPDATE crm_outbox SET next_attempt_at = $1 WHERE order_key = $2", [
        T0 + 9_000,
        "incoming:1:bob",
      ]);
      const storing = h.insert([incoming(1, "bob", "b2")]);
      await waitUntil(async () => {
        const { rows } = await pool.query<{ n: string }>(
          "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        return Number(rows[0]!.n) > 0;
      });
      await retrying.query("COMMIT");
      await storing;
    } finally {
      retrying.release();
    }
    expect((await h.peek()).map((row) => row.next_attempt_at)).toEqual([T0 + 9_000, T0 + 9_000]);
  });
});

describe.skipIf(!pgDatabase)("OutboxStore on PostgreSQL, waking other replicas", () => {
  it("with notify, tells kind outbox for each tenant when the write commits, and never for a write rolled back", async () => {
    const h = await implementations.find((impl) => impl.name === "PostgreSQL")!.open();
    const store = new PgOutboxStore(
      { $client: pgPool! },
      { clock: h.clock, maxAgeMs: MAX_AGE, wake: () => {}, notify: true },
    );
    const listener = new pg.Client({ connectionString: pgDatabase!.url });
    await listener.connect();
    const heard: string[] = [];
    try {
      listener.on("notification", (n) => {
        if (n.channel === "switchboard_outbox") heard.push(n.payload ?? "");
      });
      await listener.query("LISTEN switchboard_outbox");
      const client = await pgPool!.connect();
      try {
        await client.query("BEGIN");
        await store.insertWithin(client, [incoming(9, "gone", "never")]);
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
      await store.insertAll([incoming(1, "bob", "b1"), incoming(2, "ann", "a1"), incoming(1, "bob", "b2")]);
      await waitUntil(async () => heard.length >= 2);
      expect(heard.sort()).toEqual(["1", "2"]);
      expect(await h.store.count()).toBe(3);
      // A tenant this replica delivers for is woken in-process: no NOTIFY.
      const owner = new PgOutboxStore(
        { $client: pgPool! },
        { clock: h.clock, maxAgeMs: MAX_AGE, wake: () => {}, notify: true, ownedHere: (id) => id === 5 },
      );
      await owner.insertAll([incoming(5, "eve", "e1"), incoming(6, "fay", "f1")]);
      await waitUntil(async () => heard.length >= 3);
      expect(heard.slice(2)).toEqual(["6"]);
      heard.splice(2);
      // Without notify (a lone process), nothing is told.
      await h.insert([incoming(3, "cid", "c1")]);
      await store.insertAll([incoming(4, "dan", "d1")]);
      await waitUntil(async () => heard.length >= 3);
      expect(heard).not.toContain("3");
    } finally {
      await listener.end();
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
