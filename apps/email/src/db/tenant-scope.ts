/**
 * @module db/tenant-scope — where the gateway's migrations live, and the filter that scopes every
 * query to one tenant.
 */
import { fileURLToPath } from "node:url";
import type { PluginReference } from "@switchboard/core";
import { and, eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** Absolute path of the gateway's migrations folder (same relative place from src/ and dist/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** A table with the plugin reference columns. */
interface TenantColumns {
  companyId: SQLiteColumn;
  pluginAlias: SQLiteColumn;
  pluginId: SQLiteColumn;
}

/** `company_id = … AND plugin_alias = … AND plugin_id = …` for a table. */
export function ofTenant(table: TenantColumns, ref: PluginReference): SQL {
  return and(
    eq(table.companyId, ref.companyId),
    eq(table.pluginAlias, ref.pluginAlias),
    eq(table.pluginId, ref.pluginId),
  )!;
}
