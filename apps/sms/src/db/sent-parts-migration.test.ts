import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CORE_MIGRATIONS, migrationsUpTo, openDatabase } from "@switchboard/core/internal";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrations.js";

/** The SMS migrations as they were before split-text progress moved to core (0000 only). */
function migrationsBeforeCoreParts(): string {
  const folder = mkdtempSync(join(tmpdir(), "sms-migrations-0000-"));
  mkdirSync(join(folder, "meta"));
  copyFileSync(join(MIGRATIONS_FOLDER, "0000_sms_init.sql"), join(folder, "0000_sms_init.sql"));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  };
  journal.entries = journal.entries.filter((entry) => entry.tag === "0000_sms_init");
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
  return folder;
}

describe("migration 0001 (sent parts to core)", () => {
  it("moves the created parts of messages still queued into core's table and drops sms_sent_parts", () => {
    const path = join(mkdtempSync(join(tmpdir(), "sms-upgrade-")), "sms.sqlite");
    const before = openDatabase(path, {
      coreMigrations: migrationsUpTo(CORE_MIGRATIONS, "0003_send_parts"),
      gatewayMigrations: migrationsBeforeCoreParts(),
      gatewayName: "sms",
    });
    const outgoing = before.$client.prepare(
      `INSERT INTO outgoing (company_id, plugin_alias, plugin_id, crm_message_id, payload, contact, state, next_attempt_at, created_at)
       VALUES ('1', 'sms', '10', ?, '{}', '+14155550100', ?, 0, 0)`,
    );
    const queued = Number(outgoing.run("queued", "queued").lastInsertRowid);
    const sent = Number(outgoing.run("sent", "sent").lastInsertRowid);
    const part = before.$client.prepare(
      `INSERT INTO sms_sent_parts (queue_id, part_index, company_id, plugin_alias, plugin_id, message_sid, created_at)
       VALUES (?, ?, '1', 'sms', '10', ?, 0)`,
    );
    part.run(queued, 0, "SM-queued-0");
    part.run(queued, 1, "SM-queued-1");
    part.run(sent, 0, "SM-sent-0");
    before.$client.close();

    const after = openDatabase(path, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "sms" });
    try {
      expect(
        after.$client
          .prepare(`SELECT outgoing_id, part_index, channel_message_id FROM outgoing_send_parts ORDER BY part_index`)
          .all(),
      ).toEqual([
        { outgoing_id: queued, part_index: 0, channel_message_id: "SM-queued-0" },
        { outgoing_id: queued, part_index: 1, channel_message_id: "SM-queued-1" },
      ]);
      expect(after.$client.prepare(`SELECT name FROM sqlite_master WHERE name = 'sms_sent_parts'`).all()).toEqual([]);
    } finally {
      after.$client.close();
    }
  });
});
