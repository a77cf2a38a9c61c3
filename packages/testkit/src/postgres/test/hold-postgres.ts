/**
 * A process that starts PostgreSQL (a server of its own, or a database on SWITCHBOARD_TEST_DATABASE_URL),
 * prints `{url, dataDirectory}` on one line, then waits to be killed: the test kills it with
 * SIGKILL and checks that nothing it started outlives it.
 */
import pg from "pg";
import { startPostgres } from "../start-postgres.js";

const server = await startPostgres({ ownServer: process.argv[2] === "own" });
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const { rows } = await client.query<{ data_directory: string }>(
  "SELECT current_setting('data_directory') AS data_directory",
);
await client.end();
process.stdout.write(`${JSON.stringify({ url: server.url, dataDirectory: rows[0]!.data_directory })}\n`);
setInterval(() => {}, 60_000);
