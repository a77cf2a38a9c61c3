import { randomBytes } from "node:crypto";
import type { Database } from "@switchboard/core";
import { Keyring, openDatabase, openPostgres, SecretKey } from "@switchboard/core/internal";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./migrations.js";
import { WebhookSecrets } from "./webhook-secrets.js";

const pg = await postgresTestDatabase();

const stores: Array<[string, (() => Promise<{ db: Database; close: () => Promise<void> }>) | undefined]> = [
  [
    "SQLite",
    async () => {
      const db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "telegram" });
      return {
        db,
        close: async () => {
          db.$client.close();
        },
      };
    },
  ],
  [
    "PostgreSQL",
    pg &&
      (async () => {
        const db = await openPostgres(await pg.server.createDatabase(), {
          gatewayMigrations: POSTGRES_MIGRATIONS_FOLDER,
          gatewayName: "telegram",
        });
        // Portable code is typed once, against the SQLite handle.
        return { db: db as unknown as Database, close: () => db.$client.end() };
      }),
  ],
];

describe.each(stores)("WebhookSecrets on %s", (_name, open) => {
  it.skipIf(!open)("stores a sealed secret per tenant and bot, replaced by the next save", async () => {
    const { db, close } = await open!();
    try {
      const secrets = new Keyring(new SecretKey(randomBytes(32)));
      const store = new WebhookSecrets({ db, secrets });
      expect(await store.find(1, "111")).toBeUndefined();
      await store.save(1, "111", "first");
      await store.save(2, "222", "other");
      expect(await store.find(1, "111")).toBe("first");
      expect(await store.find(1, "222")).toBeUndefined();
      await store.save(1, "111", "second");
      expect(await store.find(1, "111")).toBe("second");
      expect(await store.find(2, "222")).toBe("other");
    } finally {
      await close();
    }
  });
});
