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

/**
 * The same filter in raw SQL (the queue and the outbox), with `alias.` before each column when
 * given; bind the reference as `@companyId`, `@pluginAlias`, `@pluginId`.
 */
export function tenantRowsSql(alias?: string): string {
  const c = alias ? `${alias}.` : "";
  return `${c}company_id = @companyId AND ${c}plugin_alias = @pluginAlias AND ${c}plugin_id = @pluginId`;
}

/** The plugin reference columns of a row read with raw SQL. */
export interface ReferenceRow {
  company_id: string;
  plugin_alias: string;
  plugin_id: string;
}

/** The plugin reference of a row read with raw SQL. */
export function referenceOfRow(row: ReferenceRow): PluginReference {
  return { companyId: row.company_id, pluginAlias: row.plugin_alias, pluginId: row.plugin_id };
}
