/**
 * @module db/pg-numbers — node-postgres answers `bigint` columns (ms times, ids, counts) as strings,
 * since they can exceed 2^53; ours never do, so raw-SQL stores read them as numbers per query.
 */
import pg, { type CustomTypesConfig } from "pg";

const INT8_OID = 20;

/** Pass as a query's `types`: `bigint` as a JS number, every other type as node-postgres reads it. */
export const PG_NUMBERS: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as CustomTypesConfig["getTypeParser"],
};
