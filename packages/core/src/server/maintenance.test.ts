import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { FileStore } from "../files/file-store.js";
import { runMaintenance } from "./maintenance.js";

/** The tenants the files belong to (the cleaner finds a file's folder by its tenant's key). */
function addTenants(db: Database): void {
  db.$client
    .prepare(
      `INSERT INTO tenants (id, host, tenant_key, public_id, created_at) VALUES (1, 'salesrender', '1/a/2', 'p1', 0), (2, 'salesrender', '3/a/4', 'p2', 0)`,
    )
    .run();
}

const ref = { id: 1, key: "1/a/2" };

describe("maintenance", () => {
  it("removes stored files older than their lifetime and keeps fresh ones", async () => {
    const db = openDatabase(":memory:");
    addTenants(db);
    const dir = mkdtempSync(join(tmpdir(), "sb-files-"));
    const files = new FileStore(db, dir);
    const old = await files.put(ref, { name: "old.txt", contentType: "text/plain", data: Buffer.from("old") });
    const fresh = await files.put(ref, { name: "new.txt", contentType: "text/plain", data: Buffer.from("new") });
    db.$client.prepare("UPDATE stored_files SET created_at = ? WHERE id = ?").run(Date.now() - 2 * 3600_000, old);
    const result = await runMaintenance(db, files, 3600_000);
    expect(result.removedFiles).toBe(1);
    expect(await files.open(ref, old)).toBeUndefined();
    expect(await files.open(ref, fresh)).toBeDefined();
    const folder = join(dir, "1", "a", "2");
    expect(readdirSync(folder)).toEqual([fresh]);
    expect(existsSync(join(folder, old))).toBe(false);
  });

  it("forgets dedupe ids and finished messages after 30 days, never queued ones", async () => {
    const db = openDatabase(":memory:");
    addTenants(db);
    const files = new FileStore(db, mkdtempSync(join(tmpdir(), "sb-files-")));
    const long = Date.now() - 31 * 24 * 3600_000;
    const sqlite = db.$client;
    sqlite.prepare("INSERT INTO seen_events VALUES (1,'update','1', ?), (1,'update','2', ?)").run(long, Date.now());
    const insert = sqlite.prepare(
      "INSERT INTO outgoing (tenant_id, payload, contact, state, next_attempt_at, created_at, finished_at) VALUES (1,'{}','c', ?, 0, ?, ?)",
    );
    const sent = insert.run("sent", long, long).lastInsertRowid;
    const queued = insert.run("queued", long, null).lastInsertRowid;
    const part = sqlite.prepare(
      "INSERT INTO outgoing_parts (tenant_id, gateway_message_id, outgoing_id) VALUES (1, ?, ?)",
    );
    part.run("m-sent", sent);
    part.run("m-queued", queued);
    const result = await runMaintenance(db, files, 3600_000);
    expect(result).toMatchObject({ seen: 1, finished: 1 });
    expect(sqlite.prepare("SELECT state FROM outgoing").all()).toEqual([{ state: "queued" }]);
    expect(sqlite.prepare("SELECT gateway_message_id AS id FROM outgoing_parts").all()).toEqual([{ id: "m-queued" }]);
  });
});
