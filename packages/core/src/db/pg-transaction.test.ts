import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inPgTransaction, retryConflicts } from "./pg-transaction.js";

const database = await postgresTestDatabase();

describe.skipIf(!database)("retryConflicts on a real PostgreSQL deadlock", () => {
  let pool: pg.Pool;
  let holder: pg.Client;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: database!.url, max: 4 });
    // The harness drops the database after this file: idle connections are ended by the server then.
    pool.on("error", () => {});
    holder = new pg.Client({ connectionString: database!.url });
    holder.on("error", () => {});
    await holder.connect();
    await pool.query("CREATE TABLE keys (k text PRIMARY KEY)");
  });
  afterAll(async () => {
    await holder?.end();
    await pool?.end();
  });

  /**
   * `holder` stores 'a' then waits for 'b', which `work`'s transaction stored first and then waits
   * for 'a': a deadlock that PostgreSQL breaks by aborting `work` (its check runs first).
   */
  async function deadlockWith(run: (work: () => Promise<number>) => Promise<number>) {
    await pool.query("TRUNCATE keys");
    await holder.query("BEGIN");
    await holder.query("SET LOCAL deadlock_timeout = '10s'");
    await holder.query("INSERT INTO keys VALUES ('a')");
    let attempts = 0;
    let holderWaits: Promise<unknown> | undefined;
    const work = () =>
      inPgTransaction(pool, async (client) => {
        attempts++;
        await client.query("SET LOCAL deadlock_timeout = '50ms'");
        await client.query("INSERT INTO keys VALUES ('b') ON CONFLICT DO NOTHING");
        if (!holderWaits) {
          holderWaits = holder.query("INSERT INTO keys VALUES ('b') ON CONFLICT DO NOTHING");
          const pid = (holder as unknown as { processID: number }).processID;
          await waitFor(async () => {
            const { rows } = await pool.query("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1", [pid]);
            return rows[0]?.wait_event_type === "Lock";
          });
        }
        // Once the holder committed (after the first attempt's abort), 'a' is there and this waits for nothing.
        await client.query("INSERT INTO keys VALUES ('a') ON CONFLICT DO NOTHING");
        return attempts;
      });
    const outcome = run(work).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // The holder goes on as soon as the aborted attempt rolled back.
    await waitFor(() => holderWaits !== undefined);
    await holderWaits;
    await holder.query("COMMIT");
    return { ...(await outcome), attempts: () => attempts };
  }

  it("without it the aborted transaction fails with 40P01", async () => {
    const result = await deadlockWith((work) => work());
    expect(result).toMatchObject({ error: { code: "40P01" } });
  });

  it("reruns the transaction PostgreSQL aborted for a deadlock, which then succeeds without writing twice", async () => {
    const result = await deadlockWith((work) => retryConflicts(work));
    // A rerun can meet the holder once more (it may take 'b' before the holder's waiting insert does).
    expect("error" in result).toBe(false);
    expect(result.attempts()).toBeGreaterThanOrEqual(2);
    expect((await pool.query("SELECT k FROM keys ORDER BY k")).rows).toEqual([{ k: "a" }, { k: "b" }]);
  });

  it("throws other errors at once, and gives up after the attempts it was given", async () => {
    let calls = 0;
    const unique = Object.assign(new Error("duplicate key"), { code: "23505" });
    await expect(retryConflicts(async () => (calls++, Promise.reject(unique)))).rejects.toBe(unique);
    expect(calls).toBe(1);
    calls = 0;
    const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    await expect(retryConflicts(async () => (calls++, Promise.reject(deadlock)), 3)).rejects.toBe(deadlock);
    expect(calls).toBe(3);
  });
});
