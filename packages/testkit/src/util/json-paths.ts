/**
 * @module util/json-paths — the places inside a JSON value and a copy with one of them replaced,
 * for property tests that break a well-formed message one field at a time.
 */

/**
 * Values of the wrong kind for almost any field: ids as strings, wrong signs, fractions, ids past
 * 2^53, and every JSON type in place of another.
 */
export const WRONG_KIND_VALUES: readonly unknown[] = [
  "7001",
  "-1",
  "",
  "x",
  -1,
  -7001,
  0,
  1.5,
  2 ** 60,
  -(2 ** 60),
  true,
  null,
  [],
  {},
  [1],
  { id: 1 },
];

/** Every path to a value inside `value`, the root (`[]`) included, e.g. `["message", "chat", "id"]`. */
export function jsonPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => jsonPaths(child, [...prefix, key]))];
}

/** A copy of `value` with the value at `path` replaced by `next`; `value` itself is left as it was. */
export function withValueAt(value: unknown, path: readonly string[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...(value as object) };
  copy[head!] = withValueAt(copy[head!], rest, next);
  return copy;
}
