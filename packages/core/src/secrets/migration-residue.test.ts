import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseBytes } from "@switchboard/testkit";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import { Keyring } from "./keyring.js";
import { resealSecrets } from "./reseal.js";
import { SecretKey } from "./secret-key.js";

const vault = sqliteTable("vault", { name: text("name").primaryKey(), secret: text("secret").notNull() });

/** A gateway migrations folder holding `migrations` (tag → SQL), in order. */
function migrationsFolder(dir: string, migrations: [string, string][]): string {
  mkdirSync(join(dir, "meta"), { recursive: true });
  migrations.forEach(([tag, body]) => writeFileSync(join(dir, `${tag}.sql`), body));
  const entries = migrations.map(([tag], idx) => ({
    idx,
    version: "6",
    when: 1_700_000_000_000 + idx,
    tag,
    breakpoints: true,
  }));
  writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify({ version: "7", dialect: "sqlite", entries }));
  return dir;
}

describe("upgrading a database that kept a secret in plain text", () => {
  it("leaves no copy in the files, not even in the pages of an index a migration dropped", async () => {
    const root = mkdtempSync(join(tmpdir(), "switchboard-residue-"));
    const dbPath = join(root, "gw.sqlite");
    const secret = `token-${randomBytes(16).toString("hex")}`;
    const v1: [string, string] = [
      "0000_vault",
      "CREATE TABLE `vault` (`name` text PRIMARY KEY NOT NULL, `secret` text NOT NULL);--> statement-breakpoint\n" +
        "CREATE UNIQUE INDEX `vault_secret` ON `vault` (`secret`);",
    ];
    const old = openDatabase(dbPath, {
      gatewayMigrations: migrationsFolder(join(root, "v1"), [v1]),
      gatewayName: "vault",
    });
    old.insert(vault).values({ name: "a", secret }).run();
    old.$client.close();
    expect(databaseBytes(dbPath).includes(secret)).toBe(true);

    const v2 = migrationsFolder(join(root, "v2"), [v1, ["0001_drop_index", "DROP INDEX `vault_secret`;"]]);
    const db = openDatabase(dbPath, { gatewayMigrations: v2, gatewayName: "vault" });
    const keyring = new Keyring(new SecretKey(randomBytes(32)));
    expect(await resealSecrets(db, keyring, [{ column: vault.secret }])).toBe(1);
    expect(keyring.open(db.select().from(vault).get()!.secret)).toBe(secret);
    expect(databaseBytes(dbPath).includes(secret)).toBe(false);
    db.$client.close();
  });
});
