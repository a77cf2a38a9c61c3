/**
 * @module fakes/bot-api-thread — the lean fake Bot API on a worker thread of its own, for tests
 * that judge when requests arrived.
 *
 * In the process that also drives the traffic, the fake stamps a request only when that busy event
 * loop gets to it: a replica chaos run measured stalls of 100–290 ms there (posting, the probes,
 * garbage collection), and the sends that arrived during one were stamped together — 13 in 100 ms
 * where the gateway had sent 25 a second evenly. On its own thread the fake reads each request as
 * it comes and stamps it on this thread's `performance.now()` timeline; its record is copied here
 * as it grows.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { SendCall } from "./bot-api-server.js";
import type { FromFake, ToFake } from "./bot-api-thread-main.js";

/** Node runs a worker from JavaScript: the built entry, from src/ (vitest) or dist/ alike. */
const THREAD_MAIN = new URL("../../dist/fakes/bot-api-thread-main.js", import.meta.url);

/** The fake Bot API running on its own thread; what it recorded, copied here (a few ms behind). */
export class BotApiThread {
  /** Every sendMessage call, in arrival order, stamped on this thread's `performance.now()` timeline. */
  readonly calls: SendCall[] = [];
  /** Arrival times of accepted sends, per marker. */
  readonly arrivals = new Map<string, number[]>();
  /** `setWebhook` parameters per bot token. */
  readonly webhooks = new Map<string, { url: string; secret: string }>();
  private readonly flushes = new Map<number, () => void>();
  private nextFlush = 1;

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {
    worker.on("message", (message: FromFake) => this.receive(message));
  }

  /** Starts the fake's thread; resolves once it listens on a loopback port. */
  static start(): Promise<BotApiThread> {
    const worker = new Worker(THREAD_MAIN, { workerData: { timeOrigin: performance.timeOrigin } });
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      worker.once("error", failed);
      worker.once("message", (message: FromFake) => {
        worker.off("error", failed);
        if (message.type !== "listening") return reject(new Error(`the fake's thread said ${message.type} first`));
        resolve(new BotApiThread(worker, message.url));
      });
    });
  }

  /** How many times a marker was accepted (as copied so far). */
  timesDelivered(marker: string): number {
    return this.arrivals.get(marker)?.length ?? 0;
  }

  /** Resolves once everything the fake recorded until now is copied here. */
  synced(): Promise<void> {
    const id = this.nextFlush++;
    return new Promise((resolve) => {
      this.flushes.set(id, resolve);
      this.post({ type: "flush", id });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    this.post({ type: "close" });
    await exited;
  }

  private post(message: ToFake): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromFake): void {
    if (message.type !== "record") return;
    for (const call of message.calls) {
      this.calls.push(call);
      if (call.outcome !== "ok") continue;
      const list = this.arrivals.get(call.marker);
      if (list) list.push(call.at);
      else this.arrivals.set(call.marker, [call.at]);
    }
    for (const [token, hook] of message.webhooks) this.webhooks.set(token, hook);
    if (message.flushed !== undefined) {
      this.flushes.get(message.flushed)?.();
      this.flushes.delete(message.flushed);
    }
  }
}
