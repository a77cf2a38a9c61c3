/**
 * @module db/row-of — the row types of the hot paths' prepared statements, read off the drizzle
 * tables: a raw statement returns SQL column names (`company_id`), not the schema's keys
 * (`companyId`) that `$inferSelect` gives, so one hand-written interface per SELECT could drift
 * from the schema unnoticed.
 */
import type { Table } from "drizzle-orm";

/** What a drizzle column (or column builder) says about itself at the type level. */
interface TypedColumn {
  _: { name: string; data: unknown; notNull: boolean };
}

/** The row of a map of columns or column builders (e.g. `tenantColumns(c)`), keyed by SQL name. */
export type ColumnsRow<C extends Record<string, TypedColumn>> = {
  [K in keyof C as C[K]["_"]["name"]]: C[K]["_"]["notNull"] extends true ? C[K]["_"]["data"] : C[K]["_"]["data"] | null;
};

/**
 * A row of `table` as a raw statement reads it: SQL column names to their types, `| null` where
 * the column is nullable; `Pick<RowOf<typeof outgoing>, "id" | "payload">` for a SELECT of some.
 */
export type RowOf<T extends Table> = ColumnsRow<T["_"]["columns"]>;
