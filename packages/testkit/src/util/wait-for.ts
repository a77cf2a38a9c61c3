/**
 * @module util/wait-for — poll a condition instead of sleeping a fixed time.
 */

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 15 000 ms: generous, because CI machines are shared and slow; it only delays failures). */
  timeoutMs?: number;
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  message?: string | (() => string);
}

/**
 * Calls `predicate` every ~10 ms until it returns a truthy value, and resolves with that value.
 * A predicate that throws counts as "not yet" (so `expect(...)` works inside it); its last error is
 * part of the timeout message.
 * @example
 * const msg = await waitFor(() => crm.incoming.find((r) => r.body.message.content?.text === "hi"));
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: number | WaitForOptions = {},
): Promise<Exclude<T, false | null | undefined | 0 | "">> {
  const opts = typeof options === "number" ? { timeoutMs: options } : options;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const intervalMs = opts.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Exclude<T, false | null | undefined | 0 | "">;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const what = typeof opts.message === "function" ? opts.message() : (opts.message ?? describe(predicate));
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
  throw new Error(`waitFor timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
}

function describe(predicate: () => unknown): string {
  const source = predicate.toString().replace(/\s+/g, " ");
  return source.length > 160 ? `${source.slice(0, 157)}...` : source;
}
