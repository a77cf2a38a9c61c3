/** A test file whose test fails after starting PostgreSQL: its server must still be removed. */
import { writeFileSync } from "node:fs";
import pg from "pg";
import { expect, it } from "vitest";
import { postgresTestDatabase } from "../../test-database.js";

const database = await postgresTestDatabase({ ownServer: true });

it("fails while a server is running", async () => {
  const client = new pg.Client({ connectionString: database!.url });
  await client.connect();
  const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
  await client.end();
  writeFileSync(process.env.REPORT_FILE!, JSON.stringify({ url: database!.url, dataDirectory: rows[0]!.dir }));
  expect("this test").toBe("failing");
});
