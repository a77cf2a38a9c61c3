/**
 * @module queue/bullmq-drain — the reference queue: BullMQ on a local Redis, `jobs` jobs added in
 * bulk first, then a do-nothing worker at the given concurrency; jobs/s until all completed.
 */
import { performance } from "node:perf_hooks";
import { Queue, Worker } from "bullmq";
import { startRedis } from "./redis-server.js";

/** How BullMQ did. */
export interface BullmqDrain {
  jobs: number;
  seconds: number;
  perSecond: number;
  redisVersion: string;
}

/** Runs the BullMQ drain; `{skipped}` when Redis cannot run on this machine. */
export async function bullmqDrain(
  jobs: number,
  concurrency: number,
  log: (line: string) => void = () => undefined,
): Promise<BullmqDrain | { skipped: string }> {
  const redis = await startRedis(log);
  if ("skipped" in redis) return redis;
  const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue("bench", { connection });
  try {
    for (let i = 0; i < jobs; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, jobs - i) }, (_, k) => ({
        name: "send",
        data: { text: `Drain [[b${i + k}]]`, contact: `tg://user?id=${100 + ((i + k) % 50)}` },
        opts: { removeOnComplete: true },
      }));
      await queue.addBulk(batch);
    }
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const t0 = performance.now();
    const worker = new Worker("bench", async () => undefined, { connection, concurrency });
    worker.on("completed", () => {
      done += 1;
      if (done === jobs) finish();
    });
    await finished;
    const seconds = (performance.now() - t0) / 1000;
    await worker.close();
    return { jobs, seconds, perSecond: jobs / seconds, redisVersion: redis.version };
  } finally {
    await queue.close();
    await redis.stop();
  }
}
