/**
 * @module db/affected-rows — how many rows an awaited write changed, on either driver (better-sqlite3
 * answers `changes`, node-postgres `rowCount`).
 */

/** The number of rows a write (`await db.delete(…)`, `update`, `insert` without `returning`) changed. */
export function affectedRows(result: unknown): number {
  if (typeof result !== "object" || result === null) return 0;
  const { changes, rowCount } = result as { changes?: unknown; rowCount?: unknown };
  if (typeof changes === "number") return changes;
  return typeof rowCount === "number" ? rowCount : 0;
}
