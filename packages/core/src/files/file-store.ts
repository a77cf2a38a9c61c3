/**
 * @module files/file-store — bytes kept on disk for signed links (e.g. email attachments), and
 * the cleaner that removes them after the configured age.
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { makePrivateDir, PRIVATE_FILE_MODE } from "../db/private-files.js";
import { storedFiles } from "../db/schema.js";
import { tenantRows } from "../db/tenant-rows.js";
import { FileQuotaExceededError } from "../errors.js";
import type { FileResponse } from "../gateway/types.js";
import { referenceKey, type PluginReference } from "../protocol/reference.js";

/** Stores and serves tenant files (0600, folders 0700) under one directory, partitioned by company and plugin. */
export class FileStore {
  /** Bytes stored per tenant, read from the table on first use and kept up to date here. */
  private readonly usage = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly dir: string,
    private readonly options: { quotaBytes?: number } = {},
  ) {}

  /** Writes a file and returns its id; throws {@link FileQuotaExceededError} when the tenant's quota would be exceeded. */
  async put(ref: PluginReference, file: { name: string; contentType: string; data: Uint8Array }): Promise<string> {
    const size = file.data.byteLength;
    const release = this.reserve(ref, size);
    try {
      return await this.write(ref, file);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Counts `size` bytes against the tenant's quota (before writing, so parallel puts cannot overshoot). */
  private reserve(ref: PluginReference, size: number): () => void {
    const key = referenceKey(ref);
    const used = this.usage.get(key) ?? this.storedBytes(ref);
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

  private storedBytes(ref: PluginReference): number {
    const row = this.db
      .select({ bytes: sql<number>`coalesce(sum(${storedFiles.size}), 0)` })
      .from(storedFiles)
      .where(tenantRows(storedFiles, ref))
      .get();
    return row?.bytes ?? 0;
  }

  private async write(ref: PluginReference, file: { name: string; contentType: string; data: Uint8Array }) {
    const id = randomUUID();
    const folder = this.folder(ref);
    await makePrivateDir(folder);
    const path = join(folder, id);
    await writeFile(path, file.data, { mode: PRIVATE_FILE_MODE });
    await chmod(path, PRIVATE_FILE_MODE);
    this.db
      .insert(storedFiles)
      .values({
        id,
        ...ref,
        name: file.name,
        contentType: file.contentType,
        size: file.data.byteLength,
        createdAt: Date.now(),
      })
      .run();
    return id;
  }

  /**
   * Opens a stored file of this tenant; undefined when it does not exist, is another tenant's, or
   * is older than `maxAgeMs` (files behind a URL without an expiry of its own, such as uploads,
   * end with the cleaner's age even before the cleaner runs).
   */
  async open(ref: PluginReference, id: string, options: { maxAgeMs?: number } = {}): Promise<FileResponse | undefined> {
    const row = this.db
      .select()
      .from(storedFiles)
      .where(and(eq(storedFiles.id, id), tenantRows(storedFiles, ref)))
      .get();
    if (!row) return undefined;
    if (options.maxAgeMs !== undefined && row.createdAt < Date.now() - options.maxAgeMs) return undefined;
    const path = join(this.folder(ref), id);
    const info = await stat(path).catch(() => undefined);
    if (!info) return undefined;
    return {
      body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      contentType: row.contentType,
      fileName: row.name,
      size: info.size,
    };
  }

  /** Deletes files older than `maxAgeMs`; returns how many were removed. */
  async clean(maxAgeMs: number): Promise<number> {
    const cutoff = Date.now() - maxAgeMs;
    const old = this.db.select().from(storedFiles).where(lt(storedFiles.createdAt, cutoff)).all();
    for (const row of old) {
      await rm(join(this.folder(row), row.id), { force: true });
      this.db.delete(storedFiles).where(eq(storedFiles.id, row.id)).run();
      const key = referenceKey(row);
      const used = this.usage.get(key);
      if (used !== undefined) this.usage.set(key, Math.max(0, used - row.size));
    }
    return old.length;
  }

  private folder(ref: PluginReference): string {
    const safe = (s: string) => encodeURIComponent(s).replace(/\./g, "%2E");
    return join(this.dir, safe(ref.companyId), safe(ref.pluginAlias), safe(ref.pluginId));
  }
}
