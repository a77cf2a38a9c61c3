/**
 * @module util/unique-id — ids that no other test in the process uses (CRM message ids, markers).
 */

let counter = 0;

/** An id unique within this process, e.g. `m-lz3k8q-7`. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${++counter}`;
}
