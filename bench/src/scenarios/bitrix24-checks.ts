/**
 * @module scenarios/bitrix24-checks — what the Bitrix24 scenarios count: how the gateway batched
 * its calls to the portal (elements per call, calls per second), when each marker reached the
 * portal, and whether every message arrived exactly once.
 */

/** How a run's calls of one portal method carried its messages. */
export interface Batching {
  calls: number;
  messages: number;
  /** Messages per call. */
  mean: number;
  max: number;
  /** Calls per second between the first and the last call (0 for fewer than two calls). */
  callsPerSecond: number;
}

/** Batching of calls stamped `at` (ms) carrying `messages` elements each. */
export function batchingOf(calls: ReadonlyArray<{ at: number; messages: number }>): Batching {
  const messages = calls.reduce((sum, c) => sum + c.messages, 0);
  const times = calls.map((c) => c.at);
  const spanS = calls.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1000 : 0;
  return {
    calls: calls.length,
    messages,
    mean: calls.length ? messages / calls.length : 0,
    max: calls.reduce((top, c) => Math.max(top, c.messages), 0),
    callsPerSecond: spanS > 0 ? (calls.length - 1) / spanS : 0,
  };
}

/** Which expected markers were seen not at all or more than once, and which were seen unasked. */
export interface OnceCheck {
  expected: number;
  missing: string[];
  repeated: string[];
  unexpected: string[];
}

/** Counts `seen` against `expected` (each expected exactly once). */
export function exactlyOnce(expected: Iterable<string>, seen: Iterable<string>): OnceCheck {
  const counts = new Map<string, number>();
  for (const marker of expected) counts.set(marker, 0);
  const unexpected: string[] = [];
  for (const marker of seen) {
    const n = counts.get(marker);
    if (n === undefined) unexpected.push(marker);
    else counts.set(marker, n + 1);
  }
  const missing: string[] = [];
  const repeated: string[] = [];
  for (const [marker, n] of counts) {
    if (n === 0) missing.push(marker);
    else if (n > 1) repeated.push(marker);
  }
  return { expected: counts.size, missing, repeated, unexpected };
}

/** Throws, naming a few, when a check found anything missing, repeated or unexpected. */
export function assertOnce(what: string, check: OnceCheck): void {
  const { missing, repeated, unexpected } = check;
  if (missing.length + repeated.length + unexpected.length === 0) return;
  const some = (list: string[]) => `${list.length} (${list.slice(0, 5).join(", ")}${list.length > 5 ? ", …" : ""})`;
  throw new Error(
    `${what}: of ${check.expected}, missing ${some(missing)}, repeated ${some(repeated)}, unexpected ${some(unexpected)}`,
  );
}

const MARKER = /\[\[([A-Za-z0-9_-]+)\]\]/;

// U+200B: the host escapes a customer's `[` before a letter with it, so `[[m]]` reads `[[\u200bm]]`.
/** A customer's text as the portal got it, without the host's zero-width escapes. */
export function unescapedText(text: string | undefined): string {
  return (text ?? "").replace(/\u200b/g, "");
}

/** The marker `[[…]]` in a text (escaped or not), if any. */
export function markerIn(text: string | undefined): string | undefined {
  return MARKER.exec(unescapedText(text))?.[1];
}

/** One recorded REST call of the fake portal, as far as these checks read it. */
export interface PortalCall {
  method: string;
  /** 0 while the portal is still handling it. */
  status: number;
  at: number;
  params: Record<string, unknown>;
}

/** The `MESSAGES` elements' texts of a call. */
export function messageTexts(params: Record<string, unknown>): string[] {
  const list = params.MESSAGES;
  const items = Array.isArray(list) ? list : list && typeof list === "object" ? Object.values(list) : [];
  return items.map((item) => {
    const message = item && typeof item === "object" ? (item as Record<string, unknown>).message : undefined;
    const text = message && typeof message === "object" ? (message as Record<string, unknown>).text : undefined;
    return typeof text === "string" ? text : "";
  });
}

/**
 * Follows the portal's call log as it grows: for each finished, successful call of `method`, when
 * it arrived and which markers its elements carried. A call still being handled stops the scan
 * until the next {@link update}, so none is skipped.
 */
export class PortalArrivals {
  /** Arrival times per marker, on the portal's clock minus `offset`. */
  readonly arrivals = new Map<string, number[]>();
  /** Every finished call of the method: when, and how many elements. */
  readonly calls: Array<{ at: number; messages: number }> = [];
  private next = 0;

  constructor(
    private readonly log: readonly PortalCall[],
    private readonly method: string,
    private readonly offset = 0,
  ) {}

  /** Reads the calls that finished since the last update. */
  update(): this {
    while (this.next < this.log.length) {
      const call = this.log[this.next]!;
      if (call.status === 0) break;
      this.next += 1;
      if (call.method !== this.method || call.status !== 200) continue;
      const texts = messageTexts(call.params);
      const at = call.at - this.offset;
      this.calls.push({ at, messages: texts.length });
      for (const text of texts) {
        const marker = markerIn(text);
        if (marker === undefined) continue;
        const list = this.arrivals.get(marker);
        if (list) list.push(at);
        else this.arrivals.set(marker, [at]);
      }
    }
    return this;
  }

  /** The calls stamped at or after `since` (same clock as the arrivals). */
  callsSince(since: number): Array<{ at: number; messages: number }> {
    return this.calls.filter((c) => c.at >= since);
  }
}
