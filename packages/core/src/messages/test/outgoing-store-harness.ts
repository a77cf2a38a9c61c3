/**
 * @module messages/test/outgoing-store-harness — the stores the OutgoingStore contract runs
 * against, each opened fresh per test on its own database, with what the tests read besides the
 * interface: the CRM requests stored, a row's columns, the wake-ups.
 */
import type pg from "pg";
import { openDatabase } from "../../db/client.js";
import { PG_NUMBERS } from "../../db/pg-numbers.js";
import { openPostgres } from "../../db/postgres-client.js";
import type { RowOf } from "../../db/row-of.js";
import type { outgoing } from "../../db/schema.js";
import { PgOutboxStore } from "../../outbox/pg-outbox-store.js";
import { SqliteOutboxStore } from "../../outbox/sqlite-outbox-store.js";
import type { Clock } from "../../worker/clock.js";
import type { OutgoingStore } from "../outgoing-store.js";
import { PgOutgoingStore } from "../pg-outgoing-store.js";
import { SqliteOutgoingStore } from "../sqlite-outgoing-store.js";

/** A CRM request as stored, its body parsed. */
export interface StoredRequest {
  tenant_id: number;
  kind: string;
  body: Record<string, unknown>;
  order_key: string;
  next_attempt_at: number;
}

/** The columns of an outgoing row the tests look at. */
export type RowView = Pick<
  RowOf<typeof outgoing>,
  "state" | "attempts" | "next_attempt_at" | "lease_until" | "last_error" | "status_rank" | "details" | "finished_at"
>;

/** One store under test and what the tests read around it. */
export interface StoreUnderTest {
  store: OutgoingStore;
  /** Another store on the same database: another replica. */
  replica(): Promise<OutgoingStore>;
  /** The CRM requests stored so far, oldest first. */
  requests(): Promise<StoredRequest[]>;
  row(id: number): Promise<RowView | undefined>;
  /** Tenants the outbox was woken for, in order. */
  woken: number[];
  /** The outbox writer's clock (the due time of CRM requests). */
  clock: { now: number };
  close(): Promise<void>;
}

/** How to open one kind of store for a test. */
export interface StoreKind {
  name: string;
  open(): Promise<StoreUnderTest>;
}

const VIEW = `state, attempts, next_attempt_at, lease_until, last_error, status_rank, details, finished_at`;

/** PostgreSQL stores on the database at `url` (core's PostgreSQL migrations), its tables emptied for each test. */
export function postgresKind(url: string): StoreKind {
  return {
    name: "PgOutgoingStore",
    async open() {
      const main = (await openPostgres(url, { poolSize: 4 })).$client;
      await main.query(`TRUNCATE outgoing, outgoing_parts, outgoing_send_parts, crm_outbox RESTART IDENTITY`);
      const pools = [main];
      const woken: number[] = [];
      const clock = { now: 5_000 };
      const steady: Clock = { now: () => clock.now };
      const open = (pool: pg.Pool) => {
        const db = { $client: pool };
        return new PgOutgoingStore(
          db,
          new PgOutboxStore(db, { clock: steady, maxAgeMs: 86_400_000, wake: (t) => woken.push(t) }),
          // The statements that NOTIFY (pg-outgoing-store.test.ts checks the ones that do not).
          { notify: true },
        );
      };
      return {
        store: open(main),
        replica: async () => {
          const pool = (await openPostgres(url, { poolSize: 4 })).$client;
          pools.push(pool);
          return open(pool);
        },
        async requests() {
          const { rows } = await main.query<StoredRequest & { body: string }>({
            text: `SELECT tenant_id, kind, body, order_key, next_attempt_at FROM crm_outbox ORDER BY id`,
            types: PG_NUMBERS,
          });
          return rows.map((r) => ({ ...r, body: JSON.parse(r.body) as Record<string, unknown> }));
        },
        async row(id) {
          const { rows } = await main.query<RowView>({
            text: `SELECT ${VIEW} FROM outgoing WHERE id = $1`,
            values: [id],
            types: PG_NUMBERS,
          });
          return rows[0];
        },
        woken,
        clock,
        close: async () => {
          await Promise.all(pools.map((p) => p.end()));
        },
      };
    },
  };
}

/** SQLite stores on a fresh in-memory database (migrated as a gateway's would be). */
export function sqliteKind(): StoreKind {
  return {
    name: "SqliteOutgoingStore",
    async open() {
      const db = openDatabase(":memory:");
      const sqlite = db.$client;
      const woken: number[] = [];
      const clock = { now: 5_000 };
      const steady: Clock = { now: () => clock.now };
      const open = () =>
        new SqliteOutgoingStore(
          db,
          new SqliteOutboxStore(db, { clock: steady, maxAgeMs: 86_400_000, wake: (t) => woken.push(t) }),
        );
      return {
        store: open(),
        // One process per SQLite file: a second store on the same connection.
        replica: async () => open(),
        async requests() {
          const rows = sqlite
            .prepare(`SELECT tenant_id, kind, body, order_key, next_attempt_at FROM crm_outbox ORDER BY id`)
            .all() as Array<StoredRequest & { body: string }>;
          return rows.map((r) => ({ ...r, body: JSON.parse(r.body) as Record<string, unknown> }));
        },
        async row(id) {
          return sqlite.prepare(`SELECT ${VIEW} FROM outgoing WHERE id = ?`).get(id) as RowView | undefined;
        },
        woken,
        clock,
        close: async () => {
          sqlite.close();
        },
      };
    },
  };
}
