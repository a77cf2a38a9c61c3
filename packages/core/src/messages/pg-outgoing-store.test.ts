/**
 * What PgOutgoingStore does beyond the OutgoingStore contract (outgoing-store.contract.test.ts):
 * claims that skip what another replica is claiming, waking the replica that sends for a tenant by
 * NOTIFY on commit, and concurrent sends' part records sharing one statement (one commit).
 */
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { notifyChannel } from "../cluster/notifier.js";
import { openPostgres } from "../db/postgres-client.js";
import { PgOutboxStore } from "../outbox/pg-outbox-store.js";
import { PgOutgoingStore, type PgOutgoingStoreOptions } from "./pg-outgoing-store.js";

const postgres = await postgresTestDatabase();

const message = (id: string) => ({
  chat: { id: "c", contact: "k", subject: null },
  message: { id, content: { text: id, format: "text" as const }, attachments: [] },
});

describe.skipIf(!postgres)("PgOutgoingStore on PostgreSQL", () => {
  let pool: pg.Pool;
  let listener: pg.Client;
  const heard: string[] = [];
  beforeAll(async () => {
    pool = (await openPostgres(postgres!.url)).$client;
    listener = new pg.Client({ connectionString: postgres!.url });
    await listener.connect();
    listener.on("notification", (n) => {
      if (n.channel === notifyChannel("send")) heard.push(n.payload ?? "");
    });
    await listener.query(`LISTEN ${notifyChannel("send")}`);
  });
  afterAll(async () => {
    await listener?.end();
    await pool?.end();
  });
  afterEach(async () => {
    heard.length = 0;
    await pool.query(`TRUNCATE outgoing, outgoing_parts, outgoing_send_parts, crm_outbox RESTART IDENTITY`);
  });

  const open = (options: PgOutgoingStoreOptions) => {
    const db = { $client: pool };
    return new PgOutgoingStore(
      db,
      new PgOutboxStore(db, { clock: { now: () => 1 }, maxAgeMs: 1000, wake: () => {} }),
      options,
    );
  };
  let sentinels = 0;
  /**
   * What was heard up to now: notifications arrive in commit order, so once a sentinel committed
   * after everything before it is heard, nothing before it is still on the way.
   */
  async function heardSoFar(): Promise<string[]> {
    const sentinel = String(1000 + ++sentinels);
    await pool.query(`SELECT pg_notify($1, $2)`, [notifyChannel("send"), sentinel]);
    for (const deadline = Date.now() + 10_000; !heard.includes(sentinel);) {
      if (Date.now() > deadline) throw new Error("the sentinel notification never came");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const before = heard.slice(0, heard.indexOf(sentinel));
    heard.length = 0;
    return before.sort();
  }

  it("NOTIFYs send once per tenant that got rows, once they committed; never for repeats", async () => {
    const store = open({ notify: true });
    await store.insertAll(
      [
        { tenantId: 1, message: message("a") },
        { tenantId: 2, message: message("b") },
        { tenantId: 1, message: message("c") },
      ],
      10,
    );
    await store.noticesSent();
    expect(await heardSoFar()).toEqual(["1", "2"]);
    await store.insertAll([{ tenantId: 1, message: message("a") }], 10);
    expect(
      await store.insertOperation(
        { tenantId: 2, action: "remove", crmMessageId: "b", operationKey: "r", message: null },
        10,
      ),
    ).toBe("queued");
    await store.noticesSent();
    expect(await heardSoFar()).toEqual(["2"]);
    expect(
      await store.insertOperation(
        { tenantId: 2, action: "remove", crmMessageId: "b", operationKey: "r", message: null },
        10,
      ),
    ).toBe("repeated");
    await store.noticesSent();
    expect(await heardSoFar()).toEqual([]);
  });

  it("NOTIFYs only for tenants another replica works for, once the write committed", async () => {
    const owned = new Set([1]);
    const store = open({ notify: true, ownedHere: (id) => owned.has(id) });
    await store.insertAll(
      [
        { tenantId: 1, message: message("a") },
        { tenantId: 2, message: message("b") },
      ],
      10,
    );
    await store.noticesSent();
    expect(await heardSoFar()).toEqual(["2"]);
    await store.insertAll([{ tenantId: 1, message: message("c") }], 10);
    expect(
      await store.insertOperation(
        { tenantId: 1, action: "remove", crmMessageId: "a", operationKey: "r", message: null },
        10,
      ),
    ).toBe("queued");
    await store.noticesSent();
    expect(await heardSoFar()).toEqual([]);
    // Lost before the commit was acknowledged: told after all.
    owned.clear();
    await store.insertAll([{ tenantId: 1, message: message("d") }], 10);
    await store.noticesSent();
    expect(await heardSoFar()).toEqual(["1"]);
  });

  it("stays silent without notify", async () => {
    const store = open({});
    await store.insertAll([{ tenantId: 3, message: message("a") }], 10);
    expect(
      await store.insertOperation(
        { tenantId: 3, action: "remove", crmMessageId: "a", operationKey: "r", message: null },
        10,
      ),
    ).toBe("queued");
    expect(await heardSoFar()).toEqual([]);
  });

  it("skips rows another replica is claiming at this instant, without waiting for it, and hands them out once it let go", async () => {
    const store = open({});
    await store.insertAll(
      ["a", "b", "c", "d"].map((id) => ({ tenantId: 1, message: message(id) })),
      10,
    );
    // Another replica's claim in flight: it holds the two oldest rows' locks.
    const other = await pool.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT id FROM outgoing ORDER BY id LIMIT 2 FOR UPDATE`);
      const claimed = await store.claimDue(1, 10, 1000, 10);
      expect(claimed.map((r) => r.crm_message_id)).toEqual(["c", "d"]);
      await other.query("ROLLBACK");
    } finally {
      other.release();
    }
    expect((await store.claimDue(1, 10, 1000, 10)).map((r) => r.crm_message_id)).toEqual(["a", "b"]);
  });

  it("records the parts of concurrent sends in one statement (one commit) and reads them in one query", async () => {
    let statements = 0;
    const counting = {
      query: (...args: Parameters<pg.Pool["query"]>) => {
        statements += 1;
        return (pool.query as (...a: unknown[]) => unknown)(...args);
      },
      connect: () => pool.connect(),
    } as unknown as pg.Pool;
    const db = { $client: counting };
    const store = new PgOutgoingStore(
      db,
      new PgOutboxStore(db, { clock: { now: () => 1 }, maxAgeMs: 1000, wake: () => {} }),
    );
    const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await store.insertAll(
      ids.map((id) => ({ tenantId: 1, message: message(id) })),
      10,
    );
    const rows = await store.claimDue(1, 10, 1000, 20);
    statements = 0;
    // Twenty sends at once read their progress, then record their first part.
    expect(await Promise.all(rows.map((r) => store.readParts(r.id)))).toEqual(rows.map(() => new Map()));
    expect(statements).toBe(1);
    await Promise.all(rows.map((r) => store.recordPart(1, r.id, 0, `g-${r.id}`, undefined)));
    expect(statements).toBe(2);
    const parts = await Promise.all(rows.map((r) => store.readParts(r.id)));
    expect(parts).toEqual(rows.map((r) => new Map([[0, `g-${r.id}`]])));
    // Each part is mapped to its message at once (a status for it finds the message).
    expect((await store.findOutgoing(1, `g-${rows[7]!.id}`))?.crmMessageId).toBe("m7");
    // A record replacing an id runs alone; the others still share one statement.
    statements = 0;
    await Promise.all([
      store.recordPart(1, rows[0]!.id, 0, "again", `g-${rows[0]!.id}`),
      ...rows.slice(1).map((r) => store.recordPart(1, r.id, 1, `h-${r.id}`, undefined)),
    ]);
    expect(statements).toBe(2);
    expect(await store.findOutgoing(1, `g-${rows[0]!.id}`)).toBeUndefined();
    expect((await store.findOutgoing(1, "again"))?.crmMessageId).toBe("m0");
    expect(await store.readParts(rows[1]!.id)).toEqual(
      new Map([
        [0, `g-${rows[1]!.id}`],
        [1, `h-${rows[1]!.id}`],
      ]),
    );
  });

  // The WAL counters are the server's: only a server of this file's own counts this file's commits alone.
  it.skipIf(!postgres?.server.restartable)(
    "commits claims and part records without waiting for the disk, and marking sent with it",
    async () => {
      // The server's own count of WAL fsyncs: a synchronous commit of a lone writer is one each.
      const solo = new pg.Pool({ connectionString: postgres!.url, max: 1 });
      const walSyncs = async () => {
        // This backend's pending statistics go out at its next transaction's end.
        await solo.query("SELECT pg_stat_force_next_flush()");
        await solo.query("SELECT 1");
        const { rows } = await solo.query<{ wal_sync: string }>(
          "SELECT wal_sync FROM pg_stat_wal, (SELECT pg_stat_clear_snapshot()) AS fresh",
        );
        return Number(rows[0]!.wal_sync);
      };
      try {
        const db = { $client: solo };
        const store = new PgOutgoingStore(
          db,
          new PgOutboxStore(db, { clock: { now: () => 1 }, maxAgeMs: 1000, wake: () => {} }),
        );
        const n = 40;
        await store.insertAll(
          Array.from({ length: n }, (_, i) => ({ tenantId: 1, message: message(`s${i}`) })),
          10,
        );
        const before = await walSyncs();
        const claimed = [];
        for (let i = 0; i < n; i++) {
          const [row] = await store.claimDue(1, 10, 1000, 1);
          claimed.push(row!);
          await store.recordPart(1, row!.id, 0, `w-${row!.id}`, undefined);
        }
        const afterAsync = await walSyncs();
        // 2n commits; the WAL writer's own flushes (every 200 ms) are far fewer.
        expect(afterAsync - before).toBeLessThan(n);
        for (const row of claimed) await store.markSent([{ row, ids: [`w-${row.id}`] }], 20);
        // Marking sent waits for the disk: one flush per commit at least.
        expect((await walSyncs()) - afterAsync).toBeGreaterThanOrEqual(n);
        expect(claimed.map((r) => r.crm_message_id)).toEqual(Array.from({ length: n }, (_, i) => `s${i}`));
      } finally {
        await solo.end();
      }
    },
  );
});
