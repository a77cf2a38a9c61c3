/**
 * @module db/tenant-rows — the filter that scopes a query to one tenant's rows, for every table
 * carrying the plugin reference columns.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { PluginReference } from "../protocol/reference.js";

/** The plugin reference columns every tenant-owned table has. */
export interface ReferenceColumns {
  companyId: SQLiteColumn;
  pluginAlias: SQLiteColumn;
  pluginId: SQLiteColumn;
}

/** Matches the rows of `table` that belong to `ref`. */
export function tenantRows(table: ReferenceColumns, ref: PluginReference): SQL {
  return and(
    eq(table.companyId, ref.companyId),
    eq(table.pluginAlias, ref.pluginAlias),
    eq(table.pluginId, ref.pluginId),
  )!;
}
