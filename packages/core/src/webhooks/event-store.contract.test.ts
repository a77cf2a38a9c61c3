import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { drizzle } from "drizzle-orm/node-postgres";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import * as sqliteCore from "drizzle-orm/sqlite-core";
import type pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { PG_NUMBERS } from "../db/pg-numbers.js";
import { emptyPgCoreTables, openPgCoreTables } from "../db/test/pg-core-tables.js";
import type { OutgoingStore } from "../messages/outgoing-store.js";
import { PgOutgoingStore } from "../messages/pg-outgoing-store.js";
import { pgStatusReports } from "../messages/pg-status-reports.js";
import { SqliteOutgoingStore } from "../messages/sqlite-outgoing-store.js";
import type { OutboxRow } from "../outbox/outbox-store.js";
import { PgOutboxStore } from "../outbox/pg-outbox-store.js";
import { SqliteOutboxStore } from "../outbox/sqlite-outbox-store.js";
import type { ChatMessage, MessageStatus } from "../protocol/chat.js";
import type { EventRequest, EventStore, StoredIncoming, StoringWrite } from "./event-store.js";
import { PgEventStore, type PgStatusReports } from "./pg-event-store.js";
import { SqliteEventStore } from "./sqlite-event-store.js";

// One suite for every EventStore: each implementation opens a store on empty tables.
const T0 = 1_700_000_000_000;

interface Harness {
  store: EventStore;
  /** Tenants woken after commits, in order. */
  woken: number[];
  /** Every outbox row, by id. */
  outbox(): Promise<OutboxRow[]>;
  /** How many external ids are claimed. */
  claims(): Promise<number>;
  /** A follow-up that writes `note` for the tenant (unique: writing one twice fails). */
  noteWrite(tenantId: number, note: string): StoringWrite;
  /** The notes written. */
  notes(): Promise<string[]>;
  /** The outgoing messages' store on the same database (statuses move its messages). */
  outgoing: OutgoingStore;
  /** Channel message ids whose status report fails (a statement of the transaction fails). */
  failingStatuses: Set<string>;
  /** Another store on the same database (a second replica), when the implementation has one. */
  another?(): EventStore;
}

interface Implementation {
  name: string;
  open(): Promise<Harness>;
}

/** A table of the gateway's own, written by follow-ups. */
const followUpNotes = pgTable("follow_up_notes", {
  tenantId: integer("tenant_id").notNull(),
  note: text("note").primaryKey(),
});

/** The same table on SQLite. */
const sqliteFollowUpNotes = sqliteCore.sqliteTable("follow_up_notes", {
  tenantId: sqliteCore.integer("tenant_id").notNull(),
  note: sqliteCore.text("note").primaryKey(),
});

/** SQLite's outgoing store, whose status reports fail where the test asks for one. */
class FailingSqliteOutgoing extends SqliteOutgoingStore {
  constructor(
    db: Database,
    outbox: SqliteOutboxStore,
    private readonly failing: Set<string>,
  ) {
    super(db, outbox);
  }

  override reportNow(tenantId: number, channelMessageId: string, status: MessageStatus, reason?: string): boolean {
    if (this.failing.has(channelMessageId)) throw new Error(`status report of ${channelMessageId} failed`);
    return super.reportNow(tenantId, channelMessageId, status, reason);
  }
}

/** The outgoing tables' status reports, with a failure where the test asks for one. */
function failingWhere(failing: Set<string>): PgStatusReports {
  return {
    async reportWithin(client, tenantId, channelMessageId, status, reason) {
      if (failing.has(channelMessageId)) await client.query("SELECT 1 / 0");
      return pgStatusReports.reportWithin(client, tenantId, channelMessageId, status, reason);
    },
  };
}

const pgDatabase = await postgresTestDatabase();
let pgPool: pg.Pool | undefined;
const pgOutboxes: PgOutboxStore[] = [];
afterEach(async () => {
  for (const outbox of pgOutboxes.splice(0)) await outbox.close();
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
      db.$client.exec(`CREATE TABLE follow_up_notes (tenant_id integer NOT NULL, note text PRIMARY KEY)`);
      const woken: number[] = [];
      const failingStatuses = new Set<string>();
      const outbox = new SqliteOutboxStore(db, {
        clock: { now: () => T0 },
        maxAgeMs: 60_000,
        wake: (t) => woken.push(t),
      });
      const outgoing = new FailingSqliteOutgoing(db, outbox, failingStatuses);
      return {
        store: new SqliteEventStore(db, { outbox, outgoing }),
        woken,
        outgoing,
        failingStatuses,
        outbox: async () => db.$client.prepare("SELECT * FROM crm_outbox ORDER BY id").all() as OutboxRow[],
        claims: async () => (db.$client.prepare("SELECT COUNT(*) AS n FROM seen_events").get() as { n: number }).n,
        noteWrite: (tenantId, note) => db.insert(sqliteFollowUpNotes).values({ tenantId, note }),
        notes: async () => (await db.select().from(sqliteFollowUpNotes)).map((row) => row.note).sort(),
      };
    },
  },
];
if (pgDatabase) {
  implementations.push({
    name: "PostgreSQL",
    async open() {
      if (!pgPool) {
        pgPool = await openPgCoreTables(pgDatabase.url);
        await pgPool.query(`CREATE TABLE follow_up_notes (tenant_id integer NOT NULL, note text PRIMARY KEY)`);
      }
      const pool = pgPool;
      await emptyPgCoreTables(pool);
      await pool.query(`TRUNCATE follow_up_notes`);
      const db = drizzle({ client: pool });
      const woken: number[] = [];
      const failingStatuses = new Set<string>();
      const outbox = () => {
        const store = new PgOutboxStore(
          { $client: pool },
          { clock: { now: () => T0 }, maxAgeMs: 60_000, wake: (t) => woken.push(t) },
        );
        pgOutboxes.push(store);
        return store;
      };
      const make = () =>
        new PgEventStore({ $client: pool }, { outbox: outbox(), statuses: failingWhere(failingStatuses) });
      return {
        store: make(),
        woken,
        outgoing: new PgOutgoingStore({ $client: pool }, outbox()),
        failingStatuses,
        outbox: async () =>
          (await pool.query({ text: "SELECT * FROM crm_outbox ORDER BY id", types: PG_NUMBERS })).rows as OutboxRow[],
        claims: async () => Number((await pool.query("SELECT COUNT(*) AS n FROM seen_events")).rows[0].n),
        noteWrite: (tenantId, note) => db.insert(followUpNotes).values({ tenantId, note }),
        notes: async () => (await db.select().from(followUpNotes)).map((row) => row.note).sort(),
        another: make,
      };
    },
  });
}

const message = (contact: string, text: string, externalId?: string, onStored?: StoredIncoming["onStored"]) =>
  ({
    kind: "incoming",
    ...(externalId === undefined ? {} : { externalId }),
    body: {
      chat: { id: null, contact, subject: null },
      message: { content: { text, format: "text" }, attachments: [] },
    },
    orderKey: contact,
    ...(onStored ? { onStored } : {}),
  }) satisfies StoredIncoming;

const outgoingMessage = (crmId: string): ChatMessage => ({
  chat: { id: "chat-1", contact: "bob", subject: null },
  message: { id: crmId, content: { text: `text of ${crmId}`, format: "text" }, attachments: [] },
});

const texts = (rows: OutboxRow[]) =>
  rows.map((row) => JSON.parse(row.body).message?.content?.text ?? JSON.parse(row.body).id);

describe.skipIf(implementations.length === 0).each(implementations)("EventStore on $name", (impl) => {
  let h: Harness;
  beforeEach(async () => {
    h = await impl.open();
  });

  it("stores customers' messages in the outbox in order, keyed by kind, tenant and contact, and wakes their tenants once committed", async () => {
    const stored = await h.store.storeAll(
      [
        { tenantId: 1, events: [message("bob", "one", "u1"), message("bob", "two")] },
        { tenantId: 2, events: [message("ann", "three", "u1")] },
      ],
      T0,
    );
    expect(stored).toEqual([
      { fresh: 2, repeated: 0, followUpErrors: [] },
      { fresh: 1, repeated: 0, followUpErrors: [] },
    ]);
    const rows = await h.outbox();
    expect(rows.map((row) => [row.tenant_id, row.kind, row.order_key])).toEqual([
      [1, "incoming", "incoming:1:bob"],
      [1, "incoming", "incoming:1:bob"],
      [2, "incoming", "incoming:2:ann"],
    ]);
    expect(texts(rows)).toEqual(["one", "two", "three"]);
    expect(JSON.parse(rows[0]!.body)).toEqual(message("bob", "one").body);
    expect([...new Set(h.woken)].sort()).toEqual([1, 2]);
  });

  it("stores each external id once per tenant: a repeat in the same request, the same batch or a later one stores nothing", async () => {
    const first = await h.store.storeAll(
      [
        { tenantId: 1, events: [message("bob", "hi", "u1"), message("bob", "hi again", "u1")] },
        { tenantId: 1, events: [message("bob", "hi", "u1"), message("bob", "next", "u2")] },
        { tenantId: 2, events: [message("bob", "other tenant", "u1")] },
      ],
      T0,
    );
    expect(first.map(({ fresh, repeated }) => [fresh, repeated])).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
    const later = await h.store.storeAll(
      [{ tenantId: 1, events: [message("bob", "hi", "u2"), message("bob", "x")] }],
      T0,
    );
    expect(later.map(({ fresh, repeated }) => [fresh, repeated])).toEqual([[1, 1]]);
    expect(texts(await h.outbox())).toEqual(["hi", "next", "other tenant", "x"]);
  });

  it("claims an external id once per tenant and scope", async () => {
    expect(await h.store.claimOnce(1, "callback", "c1", T0)).toBe(true);
    expect(await h.store.claimOnce(1, "callback", "c1", T0)).toBe(false);
    expect(await h.store.claimOnce(1, "other", "c1", T0)).toBe(true);
    expect(await h.store.claimOnce(2, "callback", "c1", T0)).toBe(true);
    // The webhooks' claims share the table under scope "incoming".
    await h.store.storeAll([{ tenantId: 1, events: [message("bob", "hi", "u1")] }], T0);
    expect(await h.store.claimOnce(1, "incoming", "u1", T0)).toBe(false);
  });

  it("moves outgoing messages' statuses forward and stores the CRM requests they make in the same transaction", async () => {
    await h.outgoing.insertAll([{ tenantId: 1, message: outgoingMessage("crm-1") }], T0);
    const [row] = await h.outgoing.claimDue(1, T0, T0 + 60_000, 10);
    await h.outgoing.markSent([{ row: row!, ids: ["g-1"] }], T0);
    const status = (channelMessageId: string, value: MessageStatus) =>
      ({ kind: "status", channelMessageId, status: value }) as const;
    const stored = await h.store.storeAll(
      [{ tenantId: 1, events: [status("g-1", "delivered"), status("g-unknown", "read"), status("g-1", "delivered")] }],
      T0,
    );
    expect(stored.map(({ fresh, repeated }) => [fresh, repeated])).toEqual([[1, 2]]);
    // Another tenant's status of the same channel id moves nothing.
    expect((await h.store.storeAll([{ tenantId: 2, events: [status("g-1", "read")] }], T0))[0]).toMatchObject({
      fresh: 0,
      repeated: 1,
    });
    const rows = await h.outbox();
    expect(rows.map((r) => [r.kind, r.order_key, JSON.parse(r.body).status])).toEqual([
      ["status", "status:1:crm-1", "sent"],
      ["status", "status:1:crm-1", "delivered"],
    ]);
    expect(JSON.parse(rows[1]!.body)).toEqual({ id: "crm-1", status: "delivered", channelIds: ["g-1"] });
  });

  it("stores a batch all or nothing: a request that fails rolls back every request, claims and follow-ups with it", async () => {
    h.failingStatuses.add("g-bad");
    const batch: EventRequest[] = [
      { tenantId: 1, events: [message("bob", "kept?", "u1", () => [h.noteWrite(1, "n1")])] },
      {
        tenantId: 1,
        events: [message("ann", "hello", "u2"), { kind: "status", channelMessageId: "g-bad", status: "read" }],
      },
    ];
    await expect(h.store.storeAll(batch, T0)).rejects.toThrow();
    expect(await h.outbox()).toEqual([]);
    expect(await h.claims()).toBe(0);
    expect(await h.notes()).toEqual([]);
    // Stored on its own, the good request goes through (the intake does this after a failed batch).
    expect((await h.store.storeAll([batch[0]!], T0))[0]).toMatchObject({ fresh: 1, repeated: 0 });
    expect(texts(await h.outbox())).toEqual(["kept?"]);
    expect(await h.notes()).toEqual(["n1"]);
  });

  it("runs a new event's follow-up writes in the transaction; one that fails rolls back alone and the message is kept", async () => {
    let repeatsFollowedUp = 0;
    const stored = await h.store.storeAll(
      [
        {
          tenantId: 1,
          events: [
            message("bob", "first", "u1", () => [h.noteWrite(1, "a"), h.noteWrite(1, "b")]),
            // Its second write collides with the first event's: both of its writes roll back.
            message("bob", "second", "u2", () => [h.noteWrite(1, "c"), h.noteWrite(1, "a")]),
            message("bob", "third", "u3", () => {
              throw new Error("the gateway's follow-up failed");
            }),
            message("bob", "fourth", "u4", () => [h.noteWrite(1, "d")]),
            // A repeat is not followed up.
            message("bob", "first", "u1", () => {
              repeatsFollowedUp += 1;
              return [h.noteWrite(1, "e")];
            }),
          ],
        },
      ],
      T0,
    );
    expect(stored[0]).toMatchObject({ fresh: 4, repeated: 1 });
    expect(stored[0]!.followUpErrors).toHaveLength(2);
    expect(String(stored[0]!.followUpErrors[1])).toContain("the gateway's follow-up failed");
    expect(texts(await h.outbox())).toEqual(["first", "second", "third", "fourth"]);
    expect(await h.notes()).toEqual(["a", "b", "d"]);
    expect(repeatsFollowedUp).toBe(0);
  });
});

describe.skipIf(!pgDatabase)("EventStore on PostgreSQL, several replicas on one database", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await implementations.find((impl) => impl.name === "PostgreSQL")!.open();
  });

  it("two stores claiming the same external ids at once: each is claimed once", async () => {
    const other = h.another!();
    const ids = Array.from({ length: 20 }, (_, i) => `e${i}`);
    const results = await Promise.all(
      ids.flatMap((id) => [h.store.claimOnce(1, "incoming", id, T0), other.claimOnce(1, "incoming", id, T0)]),
    );
    expect(results.filter(Boolean)).toHaveLength(ids.length);
  });

  it("the same webhook stored by two replicas at once is stored once (batches claiming ids in any order never deadlock)", async () => {
    const other = h.another!();
    const events = Array.from({ length: 3_000 }, (_, i) => message(`c${i % 3}`, `m${i}`, `u${i}`));
    const [a, b] = await Promise.all([
      h.store.storeAll([{ tenantId: 1, events }], T0),
      other.storeAll([{ tenantId: 1, events: [...events].reverse() }], T0),
    ]);
    expect(a![0]!.fresh + b![0]!.fresh).toBe(3_000);
    expect(a![0]!.repeated + b![0]!.repeated).toBe(3_000);
    const rows = await h.outbox();
    expect(rows).toHaveLength(3_000);
    expect(new Set(texts(rows)).size).toBe(3_000);
  });
});
