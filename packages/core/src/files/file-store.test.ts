import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client.js";
import { FileQuotaExceededError } from "../errors.js";
import { FileStore } from "./file-store.js";

/** The tenants the files belong to (the cleaner finds a file's folder by its tenant's key). */
function addTenants(db: Database): void {
  db.$client
    .prepare(
      `INSERT INTO tenants (id, host, tenant_key, public_id, created_at) VALUES (1, 'salesrender', '1/a/2', 'p1', 0), (2, 'salesrender', '3/a/4', 'p2', 0)`,
    )
    .run();
}

const A = { id: 1, key: "1/a/2" };
const B = { id: 2, key: "3/a/4" };
const file = (bytes: number) => ({ name: "f.bin", contentType: "application/octet-stream", data: Buffer.alloc(bytes) });

describe("file store quota", () => {
  it("refuses a file that would take a tenant over its quota, counts per tenant, and frees what the cleaner removes", async () => {
    const db = openDatabase(":memory:");
    addTenants(db);
    const files = new FileStore(db, mkdtempSync(join(tmpdir(), "sb-files-")), { quotaBytes: 1000 });
    const first = await files.put(A, file(600));
    // Parallel puts reserve their bytes before writing: only one of two 300-byte files fits.
    const results = await Promise.allSettled([files.put(A, file(300)), files.put(A, file(300))]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refusal = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refusal.reason).toBeInstanceOf(FileQuotaExceededError);
    expect(refusal.reason.retryable).toBe(false);
    await files.put(B, file(900));

    // A new process reads the usage from the table.
    await expect(
      new FileStore(db, mkdtempSync(join(tmpdir(), "sb-files-")), { quotaBytes: 1000 }).put(A, file(200)),
    ).rejects.toBeInstanceOf(FileQuotaExceededError);

    db.$client.prepare("UPDATE stored_files SET created_at = 0 WHERE id = ?").run(first);
    expect(await files.clean(3600_000)).toBe(1);
    await files.put(A, file(600));
  });
});
