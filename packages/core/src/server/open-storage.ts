/**
 * @module server/open-storage — opens a gateway's store: PostgreSQL when `SWITCHBOARD_DATABASE_URL`
 * is set (shared by every replica), else the SQLite file at `SWITCHBOARD_DB_PATH` (one process);
 * migrated (core's, the running hosts', the gateway's), with its keyring and every secret
 * re-sealed under the current key.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import { openDatabase, type Database } from "../db/client.js";
import { openPostgres } from "../db/postgres-client.js";
import { postgresStorageProbe } from "../db/postgres-storage-probe.js";
import { lockSqliteDatabase } from "../db/sqlite-process-lock.js";
import { sqliteStorageProbe } from "../db/sqlite-storage-probe.js";
import type { MigrationFolders } from "../db/migration-steps.js";
import type { StorageProbe } from "../db/storage-health.js";
import type { CoreConfig } from "../env.js";
import type { AnyGateway } from "../gateway/types.js";
import type { SelectedHost } from "../hosts/select-hosts.js";
import { Keyring } from "../secrets/keyring.js";
import { openKeyring } from "../secrets/open-keyring.js";
import { CORE_SECRET_COLUMNS, resealSecrets, type SecretColumn } from "../secrets/reseal.js";

/** A gateway's opened store. */
export interface OpenedStorage {
  /** The store handle gateways and hosts get as `runtime.db` (its `dialectName` says which store). */
  db: Database;
  keyring: Keyring;
  /** Whether the store takes writes again (for StorageHealth). */
  probe: StorageProbe;
  /** The SQLite file, for what is kept beside it (the files folder); undefined on PostgreSQL. */
  sqlitePath: string | undefined;
  /** Closes the store: the SQLite connection and its process lock, or the PostgreSQL pool. */
  close(): Promise<void>;
}

/**
 * Opens and migrates the store of `config` (PostgreSQL or SQLite), then its keyring, and
 * re-encrypts every secret (core's, the hosts', the gateway's) not sealed with the current key (a
 * rotation, or plaintext from before encryption). A key that cannot open a stored secret fails the
 * start, with the store closed again.
 */
export async function openStorage(
  gateway: AnyGateway,
  hosts: readonly SelectedHost[],
  config: CoreConfig,
  logger: Logger,
): Promise<OpenedStorage> {
  const opened = await openMigratedStorage(gateway, hosts, config, logger);
  try {
    const resealed = await resealSecrets(opened.db, opened.keyring, storedSecretColumns(gateway, hosts));
    if (resealed > 0) {
      logger.info(
        { event: "secrets.resealed", secrets: resealed, keyId: opened.keyring.currentKeyId },
        "re-encrypted stored secrets",
      );
    }
    return opened;
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/**
 * Opens and migrates the store of `config` with its keyring, holding SQLite's process lock, without
 * re-sealing anything (`openStorage` does, and `secrets rotate` on its own).
 */
export async function openMigratedStorage(
  gateway: AnyGateway,
  hosts: readonly SelectedHost[],
  config: CoreConfig,
  logger: Logger,
): Promise<OpenedStorage> {
  return config.databaseUrl
    ? await openPostgresStorage(gateway, hosts, config.databaseUrl, config, logger)
    : openSqliteStorage(gateway, hosts, sqlitePathOf(gateway, config), config, logger);
}

/** The SQLite file of a gateway: `SWITCHBOARD_DB_PATH`, else `data/<gateway>.sqlite`. */
export function sqlitePathOf(gateway: AnyGateway, config: CoreConfig): string {
  return config.dbPath ?? join("data", `${gateway.name}.sqlite`);
}

/** Every column holding sealed secrets: core's, the running hosts', the gateway's. */
export function storedSecretColumns(gateway: AnyGateway, hosts: readonly SelectedHost[]): SecretColumn[] {
  return [
    ...CORE_SECRET_COLUMNS,
    ...hosts.flatMap(({ definition }) => definition.secretColumns ?? []).map((column) => ({ column })),
    ...(gateway.secretColumns ?? []).map((column) => ({ column })),
  ];
}

/** The SQLite migrations a store of this gateway and these hosts runs (after core's). */
export function sqliteMigrationFolders(gateway: AnyGateway, hosts: readonly SelectedHost[]): MigrationFolders {
  return {
    gatewayMigrations: gateway.migrationsFolder,
    gatewayName: gateway.name,
    hostMigrations: hosts.flatMap(({ definition }) =>
      definition.migrationsFolder ? [{ name: definition.name, folder: definition.migrationsFolder }] : [],
    ),
  };
}

/** The PostgreSQL migrations of the same; refuses a gateway or host that has SQLite's only. */
export function postgresMigrationFolders(gateway: AnyGateway, hosts: readonly SelectedHost[]): MigrationFolders {
  const missing = [
    ...hosts.filter(({ definition }) => definition.migrationsFolder && !definition.postgresMigrationsFolder),
  ].map(({ definition }) => `host ${definition.name}`);
  if (gateway.migrationsFolder && !gateway.postgresMigrationsFolder) missing.push(`gateway ${gateway.name}`);
  if (missing.length) throw new Error(`No PostgreSQL migrations for ${missing.join(", ")}: it runs on SQLite only`);
  return {
    gatewayMigrations: gateway.postgresMigrationsFolder,
    gatewayName: gateway.name,
    hostMigrations: hosts.flatMap(({ definition }) =>
      definition.postgresMigrationsFolder
        ? [{ name: definition.name, folder: definition.postgresMigrationsFolder }]
        : [],
    ),
  };
}

function openSqliteStorage(
  gateway: AnyGateway,
  hosts: readonly SelectedHost[],
  dbPath: string,
  config: CoreConfig,
  logger: Logger,
): OpenedStorage {
  // Before anything touches the file: a second process on it is refused here, migrations included.
  const lock = lockSqliteDatabase(dbPath);
  let db: Database;
  try {
    db = openDatabase(dbPath, sqliteMigrationFolders(gateway, hosts));
  } catch (error) {
    lock.release();
    throw error;
  }
  const close = async () => {
    db.$client.close();
    lock.release();
  };
  try {
    const keyring = openKeyring(config, dbPath, logger);
    return { db, keyring, probe: sqliteStorageProbe(db.$client), sqlitePath: dbPath, close };
  } catch (error) {
    void close();
    throw error;
  }
}

async function openPostgresStorage(
  gateway: AnyGateway,
  hosts: readonly SelectedHost[],
  url: string,
  config: CoreConfig,
  logger: Logger,
): Promise<OpenedStorage> {
  // loadCoreConfig refuses a PostgreSQL store without it: a key file would be one replica's alone.
  if (!config.secretKey) throw new Error("SWITCHBOARD_SECRET_KEY is required with SWITCHBOARD_DATABASE_URL");
  const folders = postgresMigrationFolders(gateway, hosts);
  const pg = await openPostgres(url, { poolSize: config.databasePoolSize, logger, ...folders });
  return {
    // Portable code types its queries against SQLite's tables (`tables.for(db)` gives PostgreSQL's).
    db: pg as unknown as Database,
    keyring: new Keyring(config.secretKey, config.oldSecretKeys),
    probe: postgresStorageProbe(pg.$client),
    sqlitePath: undefined,
    close: () => pg.$client.end(),
  };
}
