/**
 * @module report/exactly-once — checks that every message the bench sent arrived at the fake peer
 * exactly once, marker by marker, so no figure is reported for lost or doubled work.
 */

/** What a comparison of sent and arrived messages found. */
export interface DeliveryCheck {
  /** Messages sent (the sum of the expected counts). */
  expected: number;
  /** Messages that arrived (every marker, expected or not). */
  arrived: number;
  /** Sent messages that did not arrive. */
  missing: number;
  /** Arrivals beyond what was sent (a marker twice, or one never sent). */
  duplicated: number;
}

/** Compares how often each marker was sent with how often it arrived. */
export function checkExactlyOnce(
  expected: ReadonlyMap<string, number>,
  arrivals: ReadonlyMap<string, readonly number[]>,
): DeliveryCheck {
  let sent = 0;
  let arrived = 0;
  let missing = 0;
  let duplicated = 0;
  for (const [marker, count] of expected) {
    sent += count;
    const got = arrivals.get(marker)?.length ?? 0;
    if (got < count) missing += count - got;
    else duplicated += got - count;
  }
  for (const [marker, times] of arrivals) {
    arrived += times.length;
    if (!expected.has(marker)) duplicated += times.length;
  }
  return { expected: sent, arrived, missing, duplicated };
}

/** How often each marker occurs in a list of sent messages. */
export function countMarkers(markers: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const marker of markers) counts.set(marker, (counts.get(marker) ?? 0) + 1);
  return counts;
}
