/**
 * @module load/autocannon-child — the load generator in its own process: runs one autocannon spec
 * (JSON file at argv[2]) and prints its {@link LoadResult} as one JSON line.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { telegramUpdate, type LoadResult, type LoadSpec } from "./load-spec.js";

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadSpec;
let next = 0;
const source = spec.body;
const bodyOf = (): string => {
  const i = next++;
  if (source.kind === "pool") return source.bodies[i % source.bodies.length]!;
  const updateId = source.firstUpdateId + i;
  return telegramUpdate(updateId, 1_000_000 + (i % source.chats), `${source.markerPrefix}${updateId}`);
};

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: spec.url,
  method: spec.method,
  headers: spec.headers,
  connections: spec.connections,
  ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.durationS }),
  requests: [
    {
      setupRequest: (req) => ({ ...req, body: bodyOf() }),
    },
  ],
});

const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  latencyMaxMs: result.latency.max,
  ok: result["2xx"],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  durationS: result.duration,
  generatorCpuUs: process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
