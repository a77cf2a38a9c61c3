/**
 * Measures what one `GET /metrics` costs with a large backlog: 100 000 queued messages and
 * 100 000 requests waiting for the CRM, on SQLite and on PostgreSQL (a throwaway server from
 * `@switchboard/testkit/postgres`). Prints the median and the slowest of uncached scrapes (a
 * second apart, so each reads the store) and of cached ones. Run from packages/core:
 * `npx tsx scripts/measure-scrape-cost.ts [rows]`. Not a test: it measures time.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator } from "@switchboard/testkit";
import { startPostgres } from "@switchboard/testkit/postgres";
import { startGateway } from "../src/server/start-gateway.js";
import { createEchoGateway } from "../src/test/echo-gateway.js";
import { TENANT_A, TENANT_B, tempDbPath } from "../src/test/stack.js";

const ROWS = Number(process.argv[2] ?? 100_000);
const TOKEN = randomBytes(16).toString("hex");
/** Far ahead: the workers leave the seeded rows alone. */
const LATER = Date.now() + 30 * 86_400_000;

/** The seeding SQL for both dialects: half the rows each tenant's, every 20th queue row leased. */
function seedSql(series: string, n: string) {
  return [
    `INSERT INTO outgoing (tenant_id, crm_message_id, payload, contact, state, attempts, next_attempt_at, created_at)
       SELECT 1 + (${n} % 2), 'seed-' || ${n}, '{"chat":{"contact":"echo://x"},"message":{"content":{"text":"hi","format":"text"},"attachments":[]}}',
              'echo://c' || (${n} % 1000), CASE WHEN ${n} % 20 = 0 THEN 'leased' ELSE 'queued' END, 0, ${LATER}, ${Date.now()} ${series}`,
    `INSERT INTO crm_outbox (tenant_id, kind, body, order_key, attempts, next_attempt_at, created_at, expires_at)
       SELECT 1 + (${n} % 2), CASE WHEN ${n} % 3 = 0 THEN 'status' ELSE 'incoming' END, '{}', 'k' || (${n} % 1000),
              ${n} % 2, ${LATER}, ${Date.now()} - ${n}, ${LATER} ${series}`,
  ];
}

async function scrapeMs(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await response.text();
  if (response.status !== 200 || !text.includes("switchboard_send_queue_messages")) throw new Error(text);
  return performance.now() - started;
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, slowest ${sorted.at(-1)!.toFixed(1)} ms`;
}

async function measure(store: "sqlite" | "postgres", env: Record<string, string>, seed: () => Promise<void>) {
  const crm = await startCrmSimulator();
  const echo = createEchoGateway();
  const gw = await startGateway(echo.definition, {
    hosts: [salesrender],
    port: 0,
    env: { ...crm.env, ...env, METRICS_TOKEN: TOKEN, SWITCHBOARD_ALLOW_PRIVATE_URLS: "true", LOG_LEVEL: "silent" },
  });
  try {
    for (const ref of [TENANT_A, TENANT_B])
      if ((await crm.register(gw.url, ref)).status !== 200) throw new Error("register");
    await seed();
    await scrapeMs(gw.url);
    const uncached: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < 9; i++) {
      await sleep(1100);
      uncached.push(await scrapeMs(gw.url));
      cached.push(await scrapeMs(gw.url));
    }
    process.stdout.write(
      `${store}, ${ROWS} queued + ${ROWS} outbox rows: uncached scrape ${summary(uncached)}; cached ${summary(cached)}\n`,
    );
  } finally {
    await gw.stop({ timeoutMs: 1000 });
    await crm.close();
  }
}

const dbPath = tempDbPath();
await measure("sqlite", { SWITCHBOARD_DB_PATH: dbPath }, async () => {
  const sqlite = new BetterSqlite3(dbPath);
  sqlite.pragma("busy_timeout = 10000");
  const series = `FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROWS}) SELECT n FROM s)`;
  for (const statement of seedSql(series, "n")) sqlite.exec(statement);
  sqlite.exec("ANALYZE");
  sqlite.close();
});

const server = await startPostgres();
try {
  const url = await server.createDatabase();
  await measure(
    "postgres",
    { SWITCHBOARD_DATABASE_URL: url, SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64") },
    async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const statement of seedSql(`FROM generate_series(1, ${ROWS}) AS n`, "n")) await client.query(statement);
      await client.query("ANALYZE");
      await client.end();
    },
  );
} finally {
  await server.stop();
}
