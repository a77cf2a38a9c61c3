/**
 * @module db/private-files — folders (0700) and files (0600) that only the gateway's user can open.
 * Modes are set with chmod after creating, so the process umask cannot loosen (or break) them.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Mode of every folder the gateway creates. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of the database, its WAL and shared-memory files, stored files and the generated key. */
export const PRIVATE_FILE_MODE = 0o600;

/** The folders from `first` (the first one mkdir created) down to `dir`. */
function created(first: string | undefined, dir: string): string[] {
  if (first === undefined) return [];
  const dirs = [first];
  for (const part of relative(first, dir).split(sep).filter(Boolean)) dirs.push(join(dirs.at(-1)!, part));
  return dirs;
}

/** Creates `dir` and any missing parents as 0700; folders that already exist keep their mode. */
export function makePrivateDirSync(dir: string): void {
  for (const d of created(mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE }), dir)) {
    chmodSync(d, PRIVATE_DIR_MODE);
  }
}

/** Async {@link makePrivateDirSync}. */
export async function makePrivateDir(dir: string): Promise<void> {
  for (const d of created(await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE }), dir)) {
    await chmod(d, PRIVATE_DIR_MODE);
  }
}

/** Creates `path` empty if missing, and makes it 0600 either way (tightening files of older versions). */
export function makePrivateFileSync(path: string): void {
  closeSync(openSync(path, "a", PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Makes each existing path 0600 (SQLite's -wal and -shm files appear only once the database is used). */
export function restrictExistingFilesSync(paths: string[]): void {
  for (const path of paths) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}
