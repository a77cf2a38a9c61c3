/**
 * @module files/file-store — bytes kept for signed links (e.g. email attachments), and the cleaner
 * that removes them after the configured age: on disk (a folder; on PostgreSQL a folder every
 * replica shares), or, on PostgreSQL without a folder, in the database (`stored_file_contents`),
 * where every replica reads what another stored.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { makePrivateDir, PRIVATE_FILE_MODE } from "../db/private-files.js";
import { postgresOf } from "../db/postgres-client.js";
import { coreTables } from "../db/schema.js";
import { storedFileContents } from "../db/schema.pg.js";
import { tenantRows } from "../db/tenant-rows.js";
import { FileQuotaExceededError } from "../errors.js";
import type { FileResponse } from "../gateway/types.js";

/** What the store needs of a tenant: its id (the rows) and its key (the folder). */
type FileOwner = { id: number; key: string };

/**
 * Stores and serves tenant files: under `dir` (0600, folders 0700), a folder per tenant key; with
 * no `dir` (PostgreSQL only), in the database.
 */
export class FileStore {
  /** Bytes stored per tenant id, read from the table on first use and kept up to date here. */
  private readonly usage = new Map<number, number>();
  private readonly tables: (typeof coreTables)["sqlite"];

  constructor(
    private readonly db: Database,
    private readonly dir: string | undefined,
    private readonly options: { quotaBytes?: number } = {},
  ) {
    if (dir === undefined && db.dialectName !== "postgres") throw new Error("a SQLite store keeps files in a folder");
    this.tables = coreTables.for(db);
  }

  /** Writes a file and returns its id; throws {@link FileQuotaExceededError} when the tenant's quota would be exceeded. */
  async put(tenant: FileOwner, file: { name: string; contentType: string; data: Uint8Array }): Promise<string> {
    const size = file.data.byteLength;
    const release = await this.reserve(tenant.id, size);
    try {
      return await this.write(tenant, file);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Counts `size` bytes against the tenant's quota (before writing, so parallel puts cannot overshoot). */
  private async reserve(key: number, size: number): Promise<() => void> {
    if (!this.usage.has(key)) {
      const stored = await this.storedBytes(key);
      // Another put may have read and reserved meanwhile: its count stands.
      if (!this.usage.has(key)) this.usage.set(key, stored);
    }
    const used = this.usage.get(key)!;
    const quota = this.options.quotaBytes ?? Infinity;
    if (used + size > quota) {
      this.usage.set(key, used);
      throw new FileQuotaExceededError(
        `Storage quota reached: ${Math.ceil(used / 1048576)} of ${Math.floor(quota / 1048576)} MiB used, the file has ${Math.ceil(size / 1048576)} MiB`,
      );
    }
    this.usage.set(key, used + size);
    return () => this.usage.set(key, Math.max(0, (this.usage.get(key) ?? size) - size));
  }

  private async storedBytes(tenantId: number): Promise<number> {
    const { storedFiles } = this.tables;
    const [row] = await this.db
      .select({ bytes: sql<number>`coalesce(sum(${storedFiles.size}), 0)` })
      .from(storedFiles)
      .where(tenantRows(storedFiles, tenantId));
    return Number(row?.bytes ?? 0);
  }

  private async write(tenant: FileOwner, file: { name: string; contentType: string; data: Uint8Array }) {
    const id = randomUUID();
    const row = {
      id,
      tenantId: tenant.id,
      name: file.name,
      contentType: file.contentType,
      size: file.data.byteLength,
      createdAt: Date.now(),
    };
    if (this.dir === undefined) {
      // One transaction (PostgreSQL's, on one pooled connection): a file is listed only with its bytes.
      await postgresOf(this.db).transaction(async (tx) => {
        await tx.insert(this.tables.storedFiles as never).values(row as never);
        await tx.insert(storedFileContents).values({ fileId: id, data: Buffer.from(file.data) });
      });
      return id;
    }
    const folder = this.folder(tenant.key);
    await makePrivateDir(folder);
    const path = join(folder, id);
    await writeFile(path, file.data, { mode: PRIVATE_FILE_MODE });
    await chmod(path, PRIVATE_FILE_MODE);
    await this.db.insert(this.tables.storedFiles).values(row);
    return id;
  }

  /**
   * Opens a stored file of this tenant; undefined when it does not exist, is another tenant's, or
   * is older than `maxAgeMs` (files behind a URL without an expiry of its own, such as uploads,
   * end with the cleaner's age even before the cleaner runs).
   */
  async open(tenant: FileOwner, id: string, options: { maxAgeMs?: number } = {}): Promise<FileResponse | undefined> {
    const { storedFiles } = this.tables;
    const [row] = await this.db
      .select()
      .from(storedFiles)
      .where(and(eq(storedFiles.id, id), tenantRows(storedFiles, tenant)))
      .limit(1);
    if (!row) return undefined;
    if (options.maxAgeMs !== undefined && row.createdAt < Date.now() - options.maxAgeMs) return undefined;
    if (this.dir === undefined) {
      const [content] = await postgresOf(this.db)
        .select({ data: storedFileContents.data })
        .from(storedFileContents)
        .where(eq(storedFileContents.fileId, id))
        .limit(1);
      if (!content) return undefined;
      const data = new Uint8Array(content.data);
      return {
        body: new Blob([data]).stream(),
        contentType: row.contentType,
        fileName: row.name,
        size: data.byteLength,
      };
    }
    const path = join(this.folder(tenant.key), id);
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    return {
      body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      contentType: row.contentType,
      fileName: row.name,
      size: info.size,
    };
  }

  /**
   * Deletes files older than `maxAgeMs`, `batchSize` at a time (their bytes, then their rows in
   * one statement); returns how many were removed. A crash between leaves rows whose bytes are
   * gone, which open as missing and go in the next pass.
   */
  async clean(maxAgeMs: number, options: { batchSize?: number; stopped?: () => boolean } = {}): Promise<number> {
    const { storedFiles, tenants } = this.tables;
    const cutoff = Date.now() - maxAgeMs;
    const batchSize = options.batchSize ?? 5000;
    let total = 0;
    for (;;) {
      const old = await this.db
        .select({ id: storedFiles.id, tenantId: storedFiles.tenantId, size: storedFiles.size, key: tenants.tenantKey })
        .from(storedFiles)
        .innerJoin(tenants, eq(tenants.id, storedFiles.tenantId))
        .where(lt(storedFiles.createdAt, cutoff))
        .limit(batchSize);
      if (old.length === 0) return total;
      // In the database, the bytes go with the row (a cascading foreign key).
      if (this.dir !== undefined) {
        for (const row of old) await rm(join(this.folder(row.key), row.id), { force: true });
      }
      await this.db.delete(storedFiles).where(
        inArray(
          storedFiles.id,
          old.map((row) => row.id),
        ),
      );
      for (const row of old) {
        const used = this.usage.get(row.tenantId);
        if (used !== undefined) this.usage.set(row.tenantId, Math.max(0, used - row.size));
      }
      total += old.length;
      if (old.length < batchSize || options.stopped?.()) return total;
    }
  }

  /**
   * A tenant's folder: one level per `/`-separated segment of its key, each percent-encoded with
   * dots too, so no segment is `.` or `..` (a SalesRender key gives the company/alias/plugin
   * folders files were always stored in).
   */
  private folder(key: string): string {
    const safe = (s: string) => encodeURIComponent(decodeSegment(s)).replace(/\./g, "%2E");
    return join(this.dir!, ...key.split("/").map(safe));
  }
}

/** A key segment as text: SalesRender's are percent-encoded already, and are not encoded twice. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
