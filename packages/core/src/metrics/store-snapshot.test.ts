/**
 * The depth the metrics read from the store, on a real SQLite and a real PostgreSQL database:
 * unfinished queue rows by host and state (finished ones left out), the outbox's requests, those
 * held back by a failed attempt and the oldest one's age by host; one read a second at most.
 */
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { openPostgres, postgresOf } from "../db/postgres-client.js";
import { coreTables } from "../db/schema.js";
import { SNAPSHOT_TTL_MS, StoreSnapshots } from "./store-snapshot.js";

const pg = await postgresTestDatabase();
const T0 = 1_700_000_000_000;
const clock = { now: () => T0 };
const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) {
    if (db.dialectName === "postgres") await postgresOf(db).$client.end();
    else db.$client.close();
  }
});

async function open(store: "sqlite" | "postgres"): Promise<Database> {
  // Portable code types its queries against the SQLite handle (see db/client.ts).
  const db =
    store === "sqlite"
      ? openDatabase(":memory:")
      : ((await openPostgres(await pg!.server.createDatabase())) as unknown as Database);
  opened.push(db);
  return db;
}

/** Tenants 1, 2 of SalesRender and 3 of Bitrix24, with queue rows and outbox requests. */
async function seed(db: Database): Promise<void> {
  const { tenants, outgoing, crmOutbox } = coreTables.for(db);
  await db.insert(tenants).values(
    [1, 2, 3].map((id) => ({
      id,
      host: id === 3 ? "bitrix24" : "salesrender",
      tenantKey: `k${id}`,
      publicId: `p${id}`,
      createdAt: T0,
    })),
  );
  const row = (tenantId: number, state: string, i: number) => ({
    tenantId,
    crmMessageId: `m${tenantId}-${state}-${i}`,
    payload: "{}",
    contact: "c",
    state,
    nextAttemptAt: T0,
    createdAt: T0,
  });
  await db
    .insert(outgoing)
    .values([
      row(1, "queued", 1),
      row(1, "queued", 2),
      row(2, "queued", 1),
      row(2, "leased", 1),
      row(3, "leased", 1),
      row(1, "sent", 1),
      row(3, "failed", 1),
    ]);
  const request = (tenantId: number, createdAt: number, nextAttemptAt: number) => ({
    tenantId,
    kind: "incoming" as const,
    body: "{}",
    orderKey: `o${tenantId}`,
    attempts: nextAttemptAt > T0 ? 1 : 0,
    nextAttemptAt,
    createdAt,
    expiresAt: T0 + 86_400_000,
  });
  // Ids grow with creation time, as the outbox writes them.
  await db
    .insert(crmOutbox)
    .values([
      request(2, T0 - 90_000, T0 + 5_000),
      request(1, T0 - 30_000, T0),
      request(2, T0 - 20_000, T0 + 5_000),
      request(1, T0 - 10_000, T0 - 10_000),
      request(3, T0 - 5_000, T0 - 5_000),
    ]);
}

for (const store of ["sqlite", "postgres"] as const) {
  describe.skipIf(store === "postgres" && !pg)(`the store's depth on ${store}`, () => {
    it("counts unfinished queue rows by host and state, and the outbox by host with its retrying and oldest requests", async () => {
      const db = await open(store);
      await seed(db);
      const snapshot = await new StoreSnapshots(db, clock, (error) => {
        throw error;
      }).read();
      const byKey = <T extends { host: string }>(rows: readonly T[], key: (row: T) => string) =>
        Object.fromEntries(rows.map((row) => [key(row), row]));
      expect(byKey(snapshot!.queue, (r) => `${r.host} ${r.state}`)).toEqual({
        "salesrender queued": { host: "salesrender", state: "queued", count: 3 },
        "salesrender leased": { host: "salesrender", state: "leased", count: 1 },
        "bitrix24 leased": { host: "bitrix24", state: "leased", count: 1 },
      });
      expect(byKey(snapshot!.outbox, (r) => r.host)).toEqual({
        salesrender: { host: "salesrender", count: 4, retrying: 2, oldestSeconds: 90 },
        bitrix24: { host: "bitrix24", count: 1, retrying: 0, oldestSeconds: 5 },
      });
    });

    it("reads the store once a second however often it is asked, and a failed read once too", async () => {
      const db = await open(store);
      await seed(db);
      let now = 0;
      const failures: unknown[] = [];
      const snapshots = new StoreSnapshots(
        db,
        clock,
        (error) => failures.push(error),
        () => now,
      );
      const first = snapshots.read();
      expect(snapshots.read()).toBe(first);
      await first;
      now = SNAPSHOT_TTL_MS - 1;
      expect(snapshots.read()).toBe(first);
      now = SNAPSHOT_TTL_MS;
      const second = snapshots.read();
      expect(second).not.toBe(first);
      expect((await second)!.queue.length).toBe(3);

      // The database goes away: the read answers nothing, told once, and is not repeated within the second.
      const { outgoing } = coreTables.for(db);
      await db.delete(outgoing);
      if (store === "sqlite") db.$client.exec("DROP TABLE outgoing_send_parts; DROP TABLE outgoing");
      else await postgresOf(db).$client.query("DROP TABLE outgoing CASCADE");
      now = 2 * SNAPSHOT_TTL_MS;
      const failed = snapshots.read();
      expect(await failed).toBeUndefined();
      expect(snapshots.read()).toBe(failed);
      expect(failures).toHaveLength(1);
    });
  });
}
