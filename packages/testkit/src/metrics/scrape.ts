/**
 * @module metrics/scrape — reads a gateway's `GET /metrics` (Prometheus text format) into samples
 * a test can add up by label.
 */
import { waitFor } from "../util/wait-for.js";

/** One sample line: the metric's name (with `_bucket`, `_sum`, `_count` as written), its labels, its value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of one scrape. */
export class Scrape {
  constructor(readonly samples: readonly Sample[]) {}

  /** The sum of `name`'s samples whose labels include every one of `labels` (0 when there is none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  /** Whether any sample of `name` has every one of `labels`. */
  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.matching(name, labels).length > 0;
  }

  /** The samples of `name` with every one of `labels`. */
  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    const wanted = Object.entries(labels);
    return this.samples.filter(
      (sample) =>
        sample.name === name &&
        wanted.every(([key, value]) => Object.hasOwn(sample.labels, key) && sample.labels[key] === value),
    );
  }
}

/** Parses the Prometheus text format (comments skipped; label values unescaped). */
export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    // No prototype: a label named like an Object property stays a plain label.
    const labels = Object.create(null) as Record<string, string>;
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const raw = match[3]!;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    samples.push({ name: match[1]!, labels, value });
  }
  return new Scrape(samples);
}

/**
 * `GET <gatewayUrl>metrics` with the bearer token; throws unless it answers 200 in the
 * Prometheus text format.
 */
export async function scrapeMetrics(gatewayUrl: string, token: string): Promise<Scrape> {
  const response = await fetch(new URL("metrics", gatewayUrl), { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text}`);
  if (!(response.headers.get("content-type") ?? "").startsWith("text/plain"))
    throw new Error(`GET /metrics answered ${response.headers.get("content-type")}, not text/plain`);
  return parsePrometheusText(text);
}

/**
 * Scrapes until `ready` holds for a scrape (a gateway reads its gauges at most once a second) and
 * answers that scrape; on time-out the error names `what` and lists the last scrape's
 * `switchboard_` samples (histogram buckets left out).
 */
export async function scrapeMetricsUntil(
  gatewayUrl: string,
  token: string,
  ready: (scrape: Scrape) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<Scrape> {
  let last: Scrape | undefined;
  await waitFor(
    async () => {
      last = await scrapeMetrics(gatewayUrl, token);
      return ready(last);
    },
    {
      timeoutMs,
      message: () =>
        `${what}; last scrape:\n${(last?.samples ?? [])
          .filter((s) => s.name.startsWith("switchboard_") && !s.name.includes("_bucket"))
          .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
          .join("\n")}`,
    },
  );
  return last!;
}
