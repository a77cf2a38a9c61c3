/**
 * Traffic and measures of the replica chaos scenarios: posting each chat's messages in sequence to
 * the replicas in turn (re-posting what was not accepted, as the CRM and Telegram do), and reading
 * what arrived: first-arrival order per chat, duplicates, the most arrivals in a sliding window.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "@switchboard/testkit";
import { REPLICAS, type ReplicaTenant } from "./replica-stack.js";

/** One chat's messages, in the order they are posted. */
export interface ChatScript {
  tenant: ReplicaTenant;
  /** The chat's number (Telegram chat id). */
  chat: number;
  /** Markers of its messages, in posting order. */
  markers: string[];
}

/** What posting took. */
export interface PostingTally {
  /** Posts answered 2xx. */
  accepted: number;
  /** Posts not answered 2xx (a replica dead, the database down) and posted again. */
  reposted: number;
  /** The markers of the messages posted more than once. */
  repostedMarkers: Set<string>;
}

/** How {@link postInChatOrder} posts. */
export interface PostingOptions {
  /** Posts one message to replica `replica`; the HTTP status, 0 when the connection failed. */
  post(script: ChatScript, index: number, replica: number): Promise<number>;
  /** Whether the chat's next message may be posted now (keeps posting going through the whole run). */
  mayPost(script: ChatScript): boolean;
  /** Chats posting at once. */
  parallel: number;
}

/**
 * Posts every chat's messages, a chat's next only once its previous was accepted (so "order" is
 * defined), each post to the next replica in turn, as a balancer would. A post refused with 5xx
 * or a failed connection is posted again, same id, to the next replica; a 4xx is a bug and throws.
 */
export async function postInChatOrder(scripts: readonly ChatScript[], options: PostingOptions): Promise<PostingTally> {
  const tally: PostingTally = { accepted: 0, reposted: 0, repostedMarkers: new Set() };
  let turn = 0;
  let next = 0;
  const chatWorker = async () => {
    while (next < scripts.length) {
      const script = scripts[next++]!;
      for (let index = 0; index < script.markers.length; index++) {
        await waitFor(() => options.mayPost(script), { timeoutMs: 600_000, intervalMs: 20, message: "room to post" });
        for (;;) {
          const status = await options.post(script, index, turn++ % REPLICAS);
          if (status >= 200 && status < 300) break;
          if (status !== 0 && status < 500) {
            throw new Error(`${script.markers[index]} was refused with ${status}, not a retryable answer`);
          }
          tally.reposted += 1;
          tally.repostedMarkers.add(script.markers[index]!);
          // A short pause: a dead replica or a stopped database refuses at once.
          await sleep(25);
        }
        tally.accepted += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, chatWorker));
  return tally;
}

/** Each chat's markers in the order of their first arrival, from arrivals in arrival order. */
export function firstArrivalOrder(arrivals: Iterable<{ chat: string; marker: string }>): Map<string, string[]> {
  const seen = new Set<string>();
  const order = new Map<string, string[]>();
  for (const { chat, marker } of arrivals) {
    if (seen.has(marker)) continue;
    seen.add(marker);
    const list = order.get(chat);
    if (list) list.push(marker);
    else order.set(chat, [marker]);
  }
  return order;
}

/** Chats whose first arrivals are not their posting order (`chatKey` names a script's chat as the arrivals do). */
export function chatsOutOfOrder(
  scripts: readonly ChatScript[],
  order: Map<string, string[]>,
  chatKey: (script: ChatScript) => string,
): string[] {
  return scripts
    .filter((script) => (order.get(chatKey(script)) ?? []).join(",") !== script.markers.join(","))
    .map(chatKey);
}

/** Arrivals beyond the first, summed over markers. */
export function duplicates(timesArrived: Iterable<number>): number {
  let sum = 0;
  for (const n of timesArrived) sum += Math.max(0, n - 1);
  return sum;
}

/** The most of `times` (ms) inside any window [t, t + windowMs) that starts at one of them. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + windowMs) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

/** Groups values by a key. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
