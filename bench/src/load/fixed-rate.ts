/**
 * @module load/fixed-rate — an open-loop client: starts requests at a fixed rate whatever the
 * answers do (so a slow server shows up as latency, not as a lower rate), over keep-alive sockets.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

/** One request of a fixed-rate run. */
export interface Sent {
  index: number;
  marker: string;
  /** `performance.now()` when the request was started. */
  startedAt: number;
  /** `performance.now()` when the answer's status line arrived (0 on error). */
  answeredAt: number;
  status: number;
}

/** A fixed-rate run. */
export interface FixedRateOptions {
  url: string;
  /** Several servers (replicas): request `i` goes to `urls[i % urls.length]` (default: `url` only). */
  urls?: string[];
  headers: Record<string, string>;
  perSecond: number;
  durationS: number;
  /** Body and marker of request `i`. */
  bodyFor(i: number): { body: string; marker: string };
}

/** Sends `perSecond × durationS` POSTs on schedule; resolves when every one was answered. */
export async function runFixedRate(options: FixedRateOptions): Promise<Sent[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(options.perSecond * options.durationS);
  const sent: Sent[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * options.perSecond) / 1000) + 1);
      while (next < due) pending.push(post(options, agent, next++, sent));
      if (next >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  return sent;
}

function post(options: FixedRateOptions, agent: Agent, index: number, sent: Sent[]): Promise<void> {
  const { body, marker } = options.bodyFor(index);
  const record: Sent = { index, marker, startedAt: performance.now(), answeredAt: 0, status: 0 };
  sent.push(record);
  return new Promise((resolve) => {
    const urls = options.urls ?? [options.url];
    const req = request(
      urls[index % urls.length]!,
      {
        method: "POST",
        agent,
        headers: { ...options.headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        record.answeredAt = performance.now();
        record.status = res.statusCode ?? 0;
        res.resume();
        res.on("end", resolve);
      },
    );
    req.on("error", () => resolve());
    req.end(body);
  });
}
