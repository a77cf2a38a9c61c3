/**
 * @module util/own-entry — reads a name-keyed table by a name that came from outside.
 */

/**
 * The table's own entry for `name`, or undefined. A plain `table[name]` would answer
 * `constructor`, `__proto__` or `toString` from `Object.prototype`, which once handed a whole
 * tenant record (credentials included) to a preview route.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}
