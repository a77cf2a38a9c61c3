/**
 * The chaos suite's stack: the bench stack (CRM simulator, lean fake Bot API, the Telegram gateway
 * in a child process) with fast retries and a short send lease, plus helpers to send as the CRM.
 */
import type { SendBody } from "@switchboard/testkit";
import { BENCH_TENANT, startBenchStack, type BenchStack } from "../../gateway/bench-stack.js";

/** Retries after 50 ms doubling up to 500 ms, so recoveries take seconds, not minutes. */
export const FAST_RETRIES = { SWITCHBOARD_RETRY_BASE_MS: "50", SWITCHBOARD_RETRY_MAX_MS: "500" };

/** Starts the Telegram stack for a chaos scenario. */
export function startChaosStack(env: Record<string, string> = {}): Promise<BenchStack> {
  return startBenchStack({ kind: "telegram", recordCalls: true, env: { ...FAST_RETRIES, ...env } });
}

/** A text message with CRM id `id`, whose text carries the marker `[[id]]`. */
export function messageBody(id: string, chat: number): SendBody {
  return {
    chat: { id: `chat-${chat}`, contact: `tg://user?id=${chat}`, subject: null },
    message: { id, content: { text: `Chaos ${id} [[${id}]]`, format: "text" }, attachments: [] },
  };
}

/** Sends as the CRM; resolves to the HTTP status (0 when the connection failed). */
export async function crmSend(stack: BenchStack, body: SendBody): Promise<number> {
  try {
    const res = await stack.crm.send(stack.gateway.url, BENCH_TENANT, body);
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/** Runs `task(i)` for i in [0, count) with at most `parallel` at once. */
export async function inParallel(count: number, parallel: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
