/**
 * @module db/migration-steps — which migrations a store runs at start, in order, each package with
 * its own migrations table: core's, then each running host's, then the gateway's. The same names on
 * SQLite and PostgreSQL.
 */

/** The migrations folders of one dialect a store is opened with. */
export interface MigrationFolders {
  /** The gateway's migrations folder. */
  gatewayMigrations?: string;
  /** Names the gateway's migrations table (`__drizzle_migrations_<gatewayName>`). */
  gatewayName?: string;
  /** The running hosts' migrations folders, by host name (applied in order, after core's). */
  hostMigrations?: ReadonlyArray<{ name: string; folder: string }>;
  /** Core's migrations folder; another only in tests. */
  coreMigrations?: string;
}

/** One package's migrations: its folder and the table that records which of them ran. */
export interface MigrationStep {
  folder: string;
  table: string;
}

/** The steps in order: core's (from `coreDefault` unless given), the hosts', the gateway's. */
export function migrationSteps(coreDefault: string, folders: MigrationFolders): MigrationStep[] {
  const steps: MigrationStep[] = [{ folder: folders.coreMigrations ?? coreDefault, table: "__drizzle_migrations" }];
  for (const host of folders.hostMigrations ?? []) {
    steps.push({ folder: host.folder, table: `__drizzle_migrations_host_${safeName(host.name)}` });
  }
  if (folders.gatewayMigrations) {
    steps.push({
      folder: folders.gatewayMigrations,
      table: `__drizzle_migrations_${safeName(folders.gatewayName ?? "gateway")}`,
    });
  }
  return steps;
}

function safeName(name: string): string {
  return name.replace(/\W/g, "_");
}
