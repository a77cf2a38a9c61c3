/**
 * @module customers/watch-array — notices what the fakes record. The fakes keep plain arrays and
 * offer no events, so the sandbox looks at them often (every 100 ms) and reports new entries.
 */

/** Calls `onNew` with each entry appended to `array` (in order) until the returned stop function runs. */
export function watchArray<T>(
  array: readonly T[],
  onNew: (entry: T, index: number) => void,
  intervalMs = 100,
): () => void {
  let seen = array.length;
  const timer = setInterval(() => {
    // A fake may forget its entries (a reset); start over from what is there.
    if (array.length < seen) seen = array.length;
    while (seen < array.length) {
      const index = seen;
      seen += 1;
      onNew(array[index] as T, index);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
