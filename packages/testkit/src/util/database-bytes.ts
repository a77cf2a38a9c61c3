/**
 * @module util/database-bytes — everything an SQLite database keeps on disk, for tests that prove
 * a secret never reaches it in plain text.
 */
import { existsSync, readFileSync } from "node:fs";

/** The bytes of the database file, its WAL and its shared-memory file, concatenated. */
export function databaseBytes(dbPath: string): Buffer {
  const parts = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((path) => existsSync(path));
  return Buffer.concat(parts.map((path) => readFileSync(path)));
}

/** The secrets of `secrets` that appear anywhere in the database's files (as UTF-8). */
export function secretsOnDisk(dbPath: string, secrets: readonly string[]): string[] {
  const bytes = databaseBytes(dbPath);
  return secrets.filter((secret) => bytes.includes(Buffer.from(secret, "utf8")));
}
