import { waitFor } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { NotifyKind } from "./notifier.js";
import { notifyQuery, notifySql } from "./notify-sql.js";
import { OwnerNotices } from "./owner-notices.js";
import { PgNotifier } from "./pg-notifier.js";

const db = await postgresTestDatabase({ ownServer: true });
const logger = pino({ level: "silent" });
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A started notifier on `url` recording every call of its handlers. */
async function listening(url: string, options: { pollMs?: number } = {}) {
  const notifier = new PgNotifier({
    connection: { connectionString: url, connectionTimeoutMillis: 2000 },
    logger,
    pollMs: options.pollMs ?? 60_000,
    retry: { baseMs: 20, maxMs: 200 },
  });
  const heard: Array<{ kind: NotifyKind; tenantId: number | null; cause: string }> = [];
  for (const kind of ["send", "outbox", "tenant", "leases"] as const) {
    notifier.on(kind, (tenantId, cause) => heard.push({ kind, tenantId, cause }));
  }
  await notifier.start();
  cleanups.push(() => notifier.stop());
  const notified = (kind: NotifyKind) => heard.filter((h) => h.kind === kind && h.cause === "notified");
  return { notifier, heard, notified };
}

function pool(url: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2000 });
  p.on("error", () => undefined);
  cleanups.push(() => p.end());
  return p;
}

describe.skipIf(!db)("PgNotifier on PostgreSQL", () => {
  it("hears what another connection notifies, when its transaction commits, once, and never for a rollback", async () => {
    const url = await db!.server.createDatabase();
    const { notified } = await listening(url);
    const writer = pool(url);
    const client = await writer.connect();
    try {
      await client.query("BEGIN");
      await client.query(notifyQuery("send", 1));
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      await client.query(notifyQuery("send", 2));
      await client.query(notifyQuery("send", 2));
      await client.query(notifyQuery("send", 3));
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    // After a write committed, for the tenants another replica owns (6 is owned here).
    const notices = new OwnerNotices("outbox", writer, (id) => id === 6);
    notices.committed([7, 6, 8, 7]);
    await notices.sent();
    await drizzle(writer).execute(notifySql("tenant", 9));
    await writer.query(notifyQuery("leases", null));

    // Notifications arrive in commit order: once the last is here, every earlier one is too.
    await waitFor(() => notified("leases").length === 1);
    expect(notified("send").map((h) => h.tenantId)).toEqual([2, 3]);
    expect(notified("outbox").map((h) => h.tenantId)).toEqual([7, 8]);
    expect(notified("tenant").map((h) => h.tenantId)).toEqual([9]);
    expect(notified("leases").map((h) => h.tenantId)).toEqual([null]);
  });

  it("tells every subscriber to rescan when it starts and on every polling tick", async () => {
    const url = await db!.server.createDatabase();
    const { heard } = await listening(url, { pollMs: 30 });
    const rescans = (kind: NotifyKind) => heard.filter((h) => h.kind === kind && h.cause === "rescan").length;
    await waitFor(() => rescans("send") >= 3 && rescans("outbox") >= 3);
    expect(heard.filter((h) => h.cause === "rescan").every((h) => h.tenantId === null)).toBe(true);
  });

  it.skipIf(!db?.server.restartable)(
    "reconnects by itself after PostgreSQL restarts, asks for a rescan, and hears notifications again",
    async () => {
      const url = await db!.server.createDatabase();
      const { notifier, heard, notified } = await listening(url);
      await waitFor(() => notifier.listening);
      await db!.server.stopServer();
      await waitFor(() => !notifier.listening);
      const before = heard.length;
      await db!.server.startServer();
      await waitFor(() => notifier.listening, { timeoutMs: 30_000 });
      await waitFor(() => heard.slice(before).some((h) => h.kind === "send" && h.cause === "rescan"));
      await pool(url).query(notifyQuery("send", 42));
      await waitFor(() => notified("send").some((h) => h.tenantId === 42));
    },
    60_000,
  );
});
