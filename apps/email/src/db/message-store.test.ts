import { type Database } from "@switchboard/core";
import { openDatabase } from "@switchboard/core/internal";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MessageStore, type StoredMessage } from "./message-store.js";
import { MIGRATIONS_FOLDER } from "./migrations.js";

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
