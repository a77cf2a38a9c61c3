/**
 * @module db/tenant-rows — the tenant column every tenant-owned table carries (core's and the
 * gateways'), and the filter that scopes a query to one tenant's rows.
 */
import { eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { ColumnKit } from "./column-kit.js";
import type { ColumnsRow } from "./row-of.js";

/**
 * The tenant column (`tenant_id`, integer not null: `tenants.id`), to spread into a table
 * definition: `t.table("x", (c) => ({ ...tenantColumns(c), … }))` (see `defineTables`).
 */
export function tenantColumns(c: ColumnKit) {
  return { tenantId: c.integer("tenant_id").notNull() };
}

/** The tenant column every tenant-owned table has. */
export interface TenantColumns {
  tenantId: SQLiteColumn;
}

/** Matches the rows of `table` that belong to the tenant (or the tenant id). */
export function tenantRows(table: TenantColumns, tenant: { id: number } | number): SQL {
  return eq(table.tenantId, typeof tenant === "number" ? tenant : tenant.id);
}

/**
 * The same filter in raw SQL (the queue and the outbox), with `alias.` before the column when
 * given; bind the tenant's id as `@tenantId`.
 */
export function tenantRowsSql(alias?: string): string {
  return `${alias ? `${alias}.` : ""}tenant_id = @tenantId`;
}

/** The tenant column of a row read with raw SQL. */
export type TenantRow = ColumnsRow<ReturnType<typeof tenantColumns>>;
