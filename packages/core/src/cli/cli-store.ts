/**
 * @module cli/cli-store — the store a CLI command works on, opened as its access allows beside a
 * running gateway:
 *
 * - `shared` (reads, and writes of one short statement or transaction): SQLite's file is opened
 *   beside the gateway (WAL lets it read while the gateway writes; a busy timeout waits out the
 *   gateway's short write transactions), without its process lock and without migrating;
 *   PostgreSQL's pool without migrating. Either refuses a database that is missing or not migrated.
 * - `exclusive` (`migrate`, `secrets rotate`): SQLite's process lock is taken first, so a running
 *   gateway makes it fail at once with a clear message; on PostgreSQL the migrations and the
 *   re-seal take their advisory locks, as a starting replica does.
 */
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Logger } from "pino";
import { CORE_MIGRATIONS, type Database } from "../db/client.js";
import { migrationSteps, type MigrationFolders } from "../db/migration-steps.js";
import { CORE_PG_MIGRATIONS, openPostgres } from "../db/postgres-client.js";
import * as schema from "../db/schema.js";
import { DatabaseInUseError } from "../db/sqlite-process-lock.js";
import type { CoreConfig } from "../env.js";
import type { AnyGateway } from "../gateway/types.js";
import type { SelectedHost } from "../hosts/select-hosts.js";
import { Keyring } from "../secrets/keyring.js";
import { generatedKeyPath, openKeyring } from "../secrets/open-keyring.js";
import { SecretKey } from "../secrets/secret-key.js";
import {
  openMigratedStorage,
  postgresMigrationFolders,
  sqliteMigrationFolders,
  sqlitePathOf,
} from "../server/open-storage.js";
import { CliStoreError } from "./cli-errors.js";

/** An opened store of the CLI. */
export interface CliStore {
  db: Database;
  keyring: Keyring;
  /** Which store, for people: `SQLite data/telegram.sqlite` or `PostgreSQL` (never the URL: it holds a password). */
  where: string;
  close(): Promise<void>;
}

/** How far one package's migrations are. */
export interface MigrationState {
  /** `core`, `host salesrender`, `gateway telegram`. */
  name: string;
  applied: number;
  total: number;
}

/** What the gateway and hosts of this CLI are, for opening their store. */
export interface CliStoreTarget {
  gateway: AnyGateway;
  hosts: readonly SelectedHost[];
  config: CoreConfig;
  logger: Logger;
}

/** Opens the store for a `shared` command: beside a running gateway, migrated already. */
export async function openSharedStore(target: CliStoreTarget): Promise<CliStore> {
  const store = target.config.databaseUrl ? await openSharedPostgres(target) : openSharedSqlite(target);
  try {
    const behind = (await migrationStates(store.db, target)).filter((m) => m.applied < m.total);
    if (behind.length) {
      throw new CliStoreError(
        `${store.where} is not migrated (${behind.map((m) => `${m.name} ${m.applied}/${m.total}`).join(", ")}): run \`migrate\`, or start the gateway`,
      );
    }
    return store;
  } catch (error) {
    await store.close();
    throw unreachable(error, store.where);
  }
}

/**
 * How far the store's migrations are before `migrate` runs them: undefined when there is no
 * store yet (a new SQLite file) or it cannot be read now (the exclusive open says why).
 */
export async function peekMigrationStates(target: CliStoreTarget): Promise<MigrationState[] | undefined> {
  let store: CliStore | undefined;
  try {
    store = target.config.databaseUrl ? await openSharedPostgres(target) : openSharedSqlite(target);
    return await migrationStates(store.db, target);
  } catch {
    return undefined;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/**
 * Opens the store for an `exclusive` command, migrated: on SQLite holding the process lock
 * (refused while a gateway runs on the file), on PostgreSQL after migrating under the advisory lock.
 */
export async function openExclusiveStore(target: CliStoreTarget): Promise<CliStore> {
  const where = describeStore(target);
  try {
    const opened = await openMigratedStorage(target.gateway, target.hosts, target.config, target.logger);
    return { db: opened.db, keyring: opened.keyring, where, close: opened.close };
  } catch (error) {
    if (error instanceof DatabaseInUseError) {
      throw new CliStoreError(
        `${where} is in use by a running gateway (it holds ${sqlitePathOf(target.gateway, target.config)}.lock): stop it first, this command needs the database to itself`,
      );
    }
    throw unreachable(error, where);
  }
}

/** How far each package's migrations are on the store (core's, the hosts', the gateway's). */
export async function migrationStates(db: Database, target: CliStoreTarget): Promise<MigrationState[]> {
  const postgres = db.dialectName === "postgres";
  const folders: MigrationFolders = postgres
    ? postgresMigrationFolders(target.gateway, target.hosts)
    : sqliteMigrationFolders(target.gateway, target.hosts);
  const steps = migrationSteps(postgres ? CORE_PG_MIGRATIONS : CORE_MIGRATIONS, folders);
  const names = ["core", ...(folders.hostMigrations ?? []).map((h) => `host ${h.name}`)];
  if (folders.gatewayMigrations) names.push(`gateway ${target.gateway.name}`);
  const states: MigrationState[] = [];
  for (const [i, step] of steps.entries()) {
    const total = readMigrationFiles({ migrationsFolder: step.folder }).length;
    states.push({ name: names[i]!, applied: await appliedCount(db, step.table), total });
  }
  return states;
}

/** Rows of a migrations table (0 when it does not exist yet). */
async function appliedCount(db: Database, table: string): Promise<number> {
  if (db.dialectName === "postgres") {
    const pg = db as unknown as { execute(q: unknown): Promise<{ rows: { n: string | number }[] }> };
    const exists = await pg.execute(sql`SELECT to_regclass(${`drizzle."${table}"`}) IS NOT NULL AS n`);
    if (!exists.rows[0]?.n) return 0;
    const { rows } = await pg.execute(
      sql`SELECT count(*) AS n FROM ${sql.identifier("drizzle")}.${sql.identifier(table)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }
  const found = db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${table}`,
  );
  if (!found?.n) return 0;
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`)?.n ?? 0;
}

/** The store as people may read it: the SQLite file's path, or just "PostgreSQL". */
export function describeStore(target: Pick<CliStoreTarget, "gateway" | "config">): string {
  return target.config.databaseUrl
    ? "the PostgreSQL database"
    : `the SQLite database ${sqlitePathOf(target.gateway, target.config)}`;
}

function openSharedSqlite(target: CliStoreTarget): CliStore {
  const path = sqlitePathOf(target.gateway, target.config);
  const where = describeStore(target);
  if (path === ":memory:" || !existsSync(path)) {
    throw new CliStoreError(
      `${where} does not exist: start the gateway once, or run \`migrate\` (check SWITCHBOARD_DB_PATH)`,
    );
  }
  const sqlite = new BetterSqlite3(path, { fileMustExist: true });
  // The gateway's write transactions are short: wait them out rather than fail (WAL lets reads run beside them).
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db: Database = Object.assign(drizzle(sqlite, { schema }), { dialectName: "sqlite" as const });
  return { db, keyring: sharedKeyring(target, path), where, close: async () => void sqlite.close() };
}

/**
 * The keyring as the gateway has it; without SWITCHBOARD_SECRET_KEY and before the gateway
 * generated its key file, a throw-away one (nothing is sealed yet, and a shared command must not
 * write the gateway's key file).
 */
function sharedKeyring(target: CliStoreTarget, path: string): Keyring {
  if (target.config.secretKey || existsSync(generatedKeyPath(path))) {
    return openKeyring(target.config, path, target.logger);
  }
  return new Keyring(new SecretKey(randomBytes(32)), target.config.oldSecretKeys);
}

async function openSharedPostgres(target: CliStoreTarget): Promise<CliStore> {
  const { config } = target;
  if (!config.secretKey) throw new CliStoreError("SWITCHBOARD_SECRET_KEY is required with SWITCHBOARD_DATABASE_URL");
  const pg = await openPostgres(config.databaseUrl!, { poolSize: 2, logger: target.logger, migrate: false });
  return {
    db: pg as unknown as Database,
    keyring: new Keyring(config.secretKey, config.oldSecretKeys),
    where: describeStore(target),
    close: () => pg.$client.end(),
  };
}

/** A failure to reach the store, as one line (the connection error's text, never the URL). */
function unreachable(error: unknown, where: string): Error {
  if (error instanceof CliStoreError) return error;
  // Drizzle wraps the driver's error in "Failed query: …": the reason is the innermost cause.
  let root = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
  while (root.cause && typeof root.cause === "object") root = root.cause as typeof root;
  const code = typeof root.code === "string" ? root.code : "";
  const network = /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|EAI_AGAIN)$/.test(code);
  // PostgreSQL's classes 08 (connection), 28 (authorisation), 3D (no such database), 57P0x (shutting down).
  const refused = /^(08|28|3D|57P0)/.test(code);
  const text = typeof root.message === "string" ? root.message : "";
  if (network || refused || /timeout|terminated|connect/i.test(text)) {
    return new CliStoreError(`${where} cannot be reached: ${text || code}`, { cause: error });
  }
  return error as Error;
}
