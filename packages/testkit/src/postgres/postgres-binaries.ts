/**
 * @module postgres/postgres-binaries — where this machine's PostgreSQL server programs are: Debian's
 * `/usr/lib/postgresql/<version>/bin` (newest version first), else `initdb` and `postgres` on `PATH`.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { findSystemProgram } from "../util/system-program.js";

/** The two programs a test server needs. */
export interface PostgresBinaries {
  /** Creates a data folder. */
  initdb: string;
  /** The server itself. */
  postgres: string;
}

const DEBIAN_ROOT = "/usr/lib/postgresql";

/** The server programs, or undefined when this machine has none. */
export function findPostgresBinaries(env?: NodeJS.ProcessEnv, debianRoot = DEBIAN_ROOT): PostgresBinaries | undefined {
  for (const dir of debianVersionDirs(debianRoot)) {
    const found = inDir(dir);
    if (found) return found;
  }
  const initdb = findSystemProgram(["initdb"], env);
  const postgres = findSystemProgram(["postgres"], env);
  return initdb && postgres ? { initdb, postgres } : undefined;
}

function inDir(dir: string): PostgresBinaries | undefined {
  const initdb = findSystemProgram([join(dir, "initdb")]);
  const postgres = findSystemProgram([join(dir, "postgres")]);
  return initdb && postgres ? { initdb, postgres } : undefined;
}

function debianVersionDirs(root: string): string[] {
  let versions: string[];
  try {
    versions = readdirSync(root).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {
    return [];
  }
  return versions.sort((a, b) => Number(b) - Number(a)).map((version) => join(root, version, "bin"));
}
