import { type Database } from "@switchboard/core";
import { openDatabase, openPostgres, type PostgresDatabase } from "@switchboard/core/internal";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MessageStore, type StoredMessage } from "./message-store.js";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./migrations.js";

const pg = await postgresTestDatabase();

const tenant = 1;
const message = (messageId: string, createdAt: number, chatId: string | null = null): StoredMessage => ({
  messageId,
  direction: "in",
  contact: "ann@example.org",
  chatId,
  threadId: "root@a",
  subject: "Order",
  references: [],
  createdAt,
});

describe("MessageStore", () => {
  let db: Database;
  let messages: MessageStore;
  beforeEach(() => {
    db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "email" });
    messages = new MessageStore(db);
  });
  afterEach(() => db.$client.close());

  it("keeps the first copy of a Message-ID, finds the newest message and gives a thread its chat", async () => {
    await messages.insert(tenant, message("root@a", 1));
    await messages.insert(tenant, { ...message("root@a", 5), subject: "changed" });
    expect(await messages.get(tenant, "root@a")).toMatchObject({ subject: "Order", createdAt: 1 });
    expect(await messages.get(2, "root@a")).toBeUndefined();
    // Stored in the same millisecond: the later one is the newest.
    await messages.insert(tenant, message("second@a", 2));
    await messages.insert(tenant, message("third@a", 2));
    expect((await messages.latest(tenant, "ann@example.org", null))?.messageId).toBe("third@a");
    expect(await messages.threadChatId(tenant, "root@a")).toBeNull();
    await messages.adoptThread(tenant, "root@a", "chat-7");
    expect(await messages.threadChatId(tenant, "root@a")).toBe("chat-7");
    expect(await messages.latest(tenant, "ann@example.org", "chat-8")).toBeUndefined();
  });

  it("answers an incoming mail's threading row as a write for the storing transaction, and writes nothing itself", async () => {
    const write = messages.insertWrite(tenant, message("kept@a", 1));
    expect(await messages.get(tenant, "kept@a")).toBeUndefined();
    await write;
    expect(await messages.get(tenant, "kept@a")).toMatchObject({ threadId: "root@a" });
  });
});

describe.skipIf(!pg)("MessageStore on PostgreSQL (the same store, on emailTables.for(db))", () => {
  let db: PostgresDatabase;
  let messages: MessageStore;
  beforeEach(async () => {
    db = await openPostgres(await pg!.server.createDatabase(), {
      gatewayMigrations: POSTGRES_MIGRATIONS_FOLDER,
      gatewayName: "email",
    });
    // Portable code is typed once, against the SQLite handle.
    messages = new MessageStore(db as unknown as Database);
  });
  afterEach(() => db.$client.end());

  it("finds the newest message by the storing order when two share a millisecond, and threads as on SQLite", async () => {
    await messages.insert(tenant, message("root@a", 1));
    await messages.insert(tenant, message("second@a", 2));
    await messages.insert(tenant, message("third@a", 2));
    expect((await messages.latest(tenant, "ann@example.org", null))?.messageId).toBe("third@a");
    await messages.insert(tenant, message("fourth@a", 2));
    expect((await messages.latest(tenant, "ann@example.org", null))?.messageId).toBe("fourth@a");
    await messages.adoptThread(tenant, "root@a", "chat-7");
    expect(await messages.threadChatId(tenant, "root@a")).toBe("chat-7");
    expect(await messages.get(tenant, "root@a")).toMatchObject({ createdAt: 1, references: [] });
  });
});
