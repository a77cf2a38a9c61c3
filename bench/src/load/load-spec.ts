/**
 * @module load/load-spec — what the autocannon child process is asked to do, and what it answers.
 */

/** Request bodies: a pool reused round-robin, or Telegram updates made unique on the fly. */
export type BodySource =
  | { kind: "pool"; bodies: string[] }
  | { kind: "telegram-updates"; firstUpdateId: number; chats: number; markerPrefix: string };

/** One autocannon run. */
export interface LoadSpec {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: BodySource;
  connections: number;
  /** Seconds to run (ignored when `amount` is set). */
  durationS: number;
  /** Stop after this many requests. */
  amount?: number;
}

/** What the child prints back (one JSON line). */
export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Answers with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** CPU the load generator itself used (µs, user + system): it shares the machine's cores with the gateway. */
  generatorCpuUs?: number;
}

/** A Telegram text update with a unique id and a marker in its text. */
export function telegramUpdate(updateId: number, chatId: number, marker: string): string {
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Ann" },
      from: { id: chatId, is_bot: false, first_name: "Ann" },
      text: `hello [[${marker}]]`,
    },
  });
}
