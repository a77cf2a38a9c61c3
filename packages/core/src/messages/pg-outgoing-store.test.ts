/**
 * What PgOutgoingStore does beyond the OutgoingStore contract (outgoing-store.contract.test.ts):
 * waking the replica that sends for a tenant, by NOTIFY on commit.
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

describe.skipIf(!postgres)("PgOutgoingStore: waking the sending replica", () => {
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

  it("NOTIFYs send once per tenant that got rows, when they commit; never for repeats", async () => {
    const store = open({ notify: true });
    await store.insertAll(
      [
        { tenantId: 1, message: message("a") },
        { tenantId: 2, message: message("b") },
        { tenantId: 1, message: message("c") },
      ],
      10,
    );
    expect(await heardSoFar()).toEqual(["1", "2"]);
    await store.insertAll([{ tenantId: 1, message: message("a") }], 10);
    expect(
      await store.insertOperation(
        { tenantId: 2, action: "remove", crmMessageId: "b", operationKey: "r", message: null },
        10,
      ),
    ).toBe("queued");
    expect(await heardSoFar()).toEqual(["2"]);
    expect(
      await store.insertOperation(
        { tenantId: 2, action: "remove", crmMessageId: "b", operationKey: "r", message: null },
        10,
      ),
    ).toBe("repeated");
    expect(await heardSoFar()).toEqual([]);
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
});
