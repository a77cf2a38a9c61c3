/**
 * @module db/tenant-rows — the plugin reference columns every tenant-owned table carries (core's
 * and the gateways'), and the filter that scopes a query to one tenant's rows.
 */
import { and, eq, type SQL } from "drizzle-orm";
import { text, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { PluginReference } from "../protocol/reference.js";
import type { ColumnsRow } from "./row-of.js";

/**
 * The tenant reference columns (`company_id`, `plugin_alias`, `plugin_id`, text not null), to
 * spread into a table definition: `sqliteTable("x", { ...tenantColumns(), … })`.
 */
export function tenantColumns() {
  return {
    companyId: text("company_id").notNull(),
    pluginAlias: text("plugin_alias").notNull(),
    pluginId: text("plugin_id").notNull(),
  };
}

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
export type ReferenceRow = ColumnsRow<ReturnType<typeof tenantColumns>>;

/** The plugin reference of a row read with raw SQL. */
export function referenceOfRow(row: ReferenceRow): PluginReference {
  return { companyId: row.company_id, pluginAlias: row.plugin_alias, pluginId: row.plugin_id };
}
