/**
 * The email gateway's retention purge: Message-IDs older than SWITCHBOARD_KEEP_HISTORY_DAYS go in
 * core's retention pass, on SQLite and on a real PostgreSQL; younger ones stay and still thread.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { salesrender } from "@switchboard/host-salesrender";
import { startGateway, type Database } from "@switchboard/core";
import {
  FileStore,
  coreTables,
  openDatabase,
  openPostgres,
  retentionPassLock,
  runRetentionPass,
  type RetentionReport,
} from "@switchboard/core/internal";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { email } from "../gateway.js";
import { MessageStore, type StoredMessage } from "./message-store.js";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./migrations.js";

const pg = await postgresTestDatabase();

const DAY = 24 * 3600_000;
const NOW = Date.now();
const policy = { finishedMs: 30 * DAY, dedupeMs: 7 * DAY, historyMs: 365 * DAY, filesMs: 30 * DAY };
const stored = (messageId: string, createdAt: number): StoredMessage => ({
  messageId,
  direction: "in",
  contact: "ann@example.org",
  chatId: "chat-1",
  threadId: "root@a",
  subject: "Order",
  references: [],
  createdAt,
});

const stores: { name: string; open(): Promise<Database> }[] = [
  {
    name: "SQLite",
    open: async () => openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "email" }),
  },
];
if (pg) {
  stores.push({
    name: "PostgreSQL",
    open: async () =>
      (await openPostgres(await pg.server.createDatabase(), {
        gatewayMigrations: POSTGRES_MIGRATIONS_FOLDER,
        gatewayName: "email",
      })) as unknown as Database,
  });
}

describe.each(stores)("email retention on $name", (store) => {
  let db: Database | undefined;
  afterEach(async () => {
    if (db?.dialectName === "postgres") await (db.$client as unknown as { end(): Promise<void> }).end();
    else db?.$client.close();
  });

  it("forgets Message-IDs older than the history's retention in the pass, and keeps the thread of the younger ones", async () => {
    db = await store.open();
    const messages = new MessageStore(db);
    await messages.insert(1, stored("root@a", NOW - 400 * DAY));
    await messages.insert(1, stored("reply@a", NOW - 300 * DAY));
    await messages.insert(2, stored("other@b", NOW - 366 * DAY));
    const files = new FileStore(db, db.dialectName === "postgres" ? undefined : mkdtempSync(join(tmpdir(), "sb-")));
    const report = await runRetentionPass({
      db,
      files,
      policy,
      lock: retentionPassLock(db, "email"),
      batchSize: 1,
      hooks: [{ name: "email", purge: (ctx) => messages.purge(ctx) }],
    });
    expect(report).toMatchObject({ ran: true, removed: { email_messages: 2 }, failed: {} });
    expect(await messages.get(1, "root@a")).toBeUndefined();
    expect(await messages.get(2, "other@b")).toBeUndefined();
    expect(await messages.get(1, "reply@a")).toMatchObject({ threadId: "root@a" });
    expect(await messages.threadChatId(1, "root@a")).toBe("chat-1");
  });
});

describe("the email gateway's purge in the schedule", () => {
  it("runs in the first pass after start and removes the old Message-IDs", async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), "sb-email-")), "email.sqlite");
    const seeded = openDatabase(dbPath, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "email" });
    await seeded
      .insert(coreTables.sqlite.tenants)
      .values({ id: 1, host: "salesrender", tenantKey: "1/email/1", publicId: "p1", createdAt: 0 });
    const messages = new MessageStore(seeded);
    await messages.insert(1, stored("old@a", NOW - 40 * DAY));
    await messages.insert(1, stored("new@a", NOW - 20 * DAY));
    seeded.$client.close();

    const reports: RetentionReport[] = [];
    const gateway = await startGateway(email, {
      hosts: [salesrender],
      port: 0,
      env: { SWITCHBOARD_DB_PATH: dbPath, SWITCHBOARD_KEEP_HISTORY_DAYS: "30", LOG_LEVEL: "silent" },
      gatewayEnv: {},
      retention: { firstDelayMs: 0, onPass: (r) => reports.push(r) },
    });
    try {
      for (const deadline = Date.now() + 20_000; reports.length === 0;) {
        if (Date.now() > deadline) throw new Error("no retention pass ran");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(reports[0]).toMatchObject({ ran: true, removed: { email_messages: 1 } });
    } finally {
      await gateway.stop();
    }
    const after = openDatabase(dbPath, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "email" });
    const left = new MessageStore(after);
    expect(await left.get(1, "old@a")).toBeUndefined();
    expect(await left.get(1, "new@a")).toBeDefined();
    after.$client.close();
  });
});
