/**
 * Posting Telegram updates to the gateway's webhook, as Telegram would (with the secret header).
 */
import { BENCH_BOT_TOKEN, type BenchStack } from "../../gateway/bench-stack.js";
import { telegramUpdate } from "../../load/load-spec.js";

/** Posts one text update with `marker` in its text; resolves to the HTTP status. */
export async function postUpdate(stack: BenchStack, updateId: number, chatId: number, marker: string): Promise<number> {
  const hook = stack.api.webhooks.get(BENCH_BOT_TOKEN);
  if (!hook) throw new Error("the gateway set no webhook");
  const res = await fetch(hook.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret },
    body: telegramUpdate(updateId, chatId, marker),
  });
  await res.body?.cancel();
  return res.status;
}

/** The marker inside a text, if any. */
export function markerOf(text: unknown): string | undefined {
  return /\[\[([A-Za-z0-9_-]+)\]\]/.exec(String(text ?? ""))?.[1];
}
