/**
 * @module fakes/bot-api-thread-main — entry of the fake Bot API's worker thread (see
 * `bot-api-thread.ts`): runs a {@link BotApiServer} and sends its record to the parent as it grows.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { BotApiServer, type SendCall } from "./bot-api-server.js";

/** The parent's messages. */
export type ToFake = { type: "flush"; id: number } | { type: "close" };
/** The thread's messages: its URL once, then what was recorded since the last `record`. */
export type FromFake =
  | { type: "listening"; url: string }
  | {
      type: "record";
      calls: SendCall[];
      webhooks: Array<[string, { url: string; secret: string }]>;
      /** The `flush` this record answers (everything recorded before it was asked is in). */
      flushed?: number;
    };

/** How often the record is copied to the parent while calls come in. */
const COPY_EVERY_MS = 10;

const port = parentPort;
if (!port) throw new Error("bot-api-thread-main runs as a worker thread");
// The parent's `performance.now()` timeline: the same instant reads the same number on both threads.
const { timeOrigin } = workerData as { timeOrigin: number };
const fake = await BotApiServer.start({
  recordCalls: true,
  clock: () => performance.timeOrigin - timeOrigin + performance.now(),
});
let copied = 0;
let hooks = "";
const copy = (flushed?: number) => {
  const webhooks = [...fake.webhooks];
  const hooksNow = JSON.stringify(webhooks);
  if (copied === fake.calls.length && hooksNow === hooks && flushed === undefined) return;
  const calls = fake.calls.slice(copied);
  copied = fake.calls.length;
  hooks = hooksNow;
  const message: FromFake = { type: "record", calls, webhooks, ...(flushed === undefined ? {} : { flushed }) };
  port.postMessage(message);
};
const copying = setInterval(() => copy(), COPY_EVERY_MS);
port.on("message", (message: ToFake) => {
  if (message.type === "flush") return copy(message.id);
  clearInterval(copying);
  void fake.close().then(() => port.close());
});
port.postMessage({ type: "listening", url: fake.url } satisfies FromFake);
