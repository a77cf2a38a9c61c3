/**
 * @module scenarios/pg-commits — what bounds every PostgreSQL figure: the server's commits per
 * second (pgbench-like: one single-row INSERT per transaction through node-postgres, on a
 * throwaway local server with fsync on), with 1 and with 16 connections at once (concurrent
 * commits share a WAL flush), and the same with `pg_notify` in each transaction (a notifying
 * commit takes a cluster-wide lock, so those commits queue one behind another).
 */
import { openPostgres, type PostgresDatabase } from "@switchboard/core/internal";
import { PostgresUnavailableError, startPostgres } from "@switchboard/testkit/postgres";
import type { BenchOptions } from "../env.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";
import { skipNote } from "./store-variants.js";

const SECONDS = 5;

/** Commits per second with `connections` clients committing one row each, as fast as they can. */
async function commitsPerSecond(
  pool: PostgresDatabase["$client"],
  connections: number,
  notify: boolean,
): Promise<number> {
  const deadline = performance.now() + SECONDS * 1000;
  let commits = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          if (notify) {
            // As the stores do: the notification is part of the writing statement.
            await client.query({
              name: "commit-notify",
              text: `WITH ins AS (INSERT INTO bench_commits (at) VALUES ($1) RETURNING 1)
                     SELECT pg_notify('bench_commits', '1') FROM ins`,
              values: [Date.now()],
            });
          } else {
            await client.query({
              name: "commit",
              text: "INSERT INTO bench_commits (at) VALUES ($1)",
              values: [Date.now()],
            });
          }
          commits += 1;
        }
      } finally {
        client.release();
      }
    }),
  );
  return (commits * 1000) / (performance.now() - t0);
}

/** Measures commits/s on a server of its own. */
export async function pgCommitsScenario(_options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  let server;
  try {
    server = await startPostgres();
  } catch (error) {
    if (!(error instanceof PostgresUnavailableError)) throw error;
    return { scenario: "0. PostgreSQL commits", figures: [], notes: [skipNote(error)] };
  }
  const figures: Figure[] = [];
  const details: Record<string, number> = {};
  try {
    const db = await openPostgres(await server.createDatabase(), { poolSize: 16 });
    try {
      await db.$client.query(
        "CREATE TABLE bench_commits (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at bigint NOT NULL)",
      );
      for (const notify of [false, true]) {
        for (const connections of [1, 16]) {
          const rate = await commitsPerSecond(db.$client, connections, notify);
          const name = `single-row commits/s, ${connections} connection${connections > 1 ? "s" : ""}${notify ? ", with NOTIFY" : ""}`;
          log(`pg-commits: ${name}: ${Math.round(rate)}`);
          details[name] = rate;
          figures.push(figure(name, rate, "commits/s"));
        }
      }
    } finally {
      await db.$client.end();
    }
  } finally {
    await server.stop();
  }
  return {
    scenario: "0. PostgreSQL commits",
    figures,
    notes: [
      `pgbench-like: one INSERT per transaction for ${SECONDS} s per figure, through node-postgres, on a local server with fsync on; in the NOTIFY rows each transaction also runs pg_notify (no listener)`,
    ],
    details,
  };
}
