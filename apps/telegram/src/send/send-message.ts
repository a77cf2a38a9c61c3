/**
 * @module send/send-message — the gateway's `send`: plan the calls, run the ones no earlier try
 * got through (core's durable `ctx.parts`), follow a group's migration to its supergroup, and
 * return every message id.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  type GatewayRuntime,
  type OutgoingMessage,
  type SendContext,
  type SendParts,
  type SendResult,
} from "@switchboard/core";
import type { Bots } from "../bot/bots.js";
import { parseContact, type ChatId } from "../contact/contact.js";
import type { TelegramSettings } from "../settings/form.js";
import { migratedChatId, toSendError } from "./errors.js";
import { partsOf, planMessage } from "./plan.js";
import type { SendMemory } from "./progress.js";
import { runStep, type StepContext } from "./run-step.js";

/** Builds the `send` function of the gateway definition. */
export function createSender(bots: Bots, memory: SendMemory, runtime: GatewayRuntime<TelegramSettings>) {
  return async function send(ctx: SendContext<TelegramSettings>, message: OutgoingMessage): Promise<SendResult> {
    const token = ctx.tenant.settings.main?.botToken;
    if (typeof token !== "string" || token === "") {
      throw new ChannelRefusedError("Telegram: no bot token is configured: open the plugin settings and paste it", {
        permanent: true,
      });
    }
    const tenantKey = String(ctx.tenant.id);
    const contactChat = parseContact(message.chat.contact);
    const steps = planMessage(message.message);
    if (!memory.claim(message.queueId)) {
      throw new ChannelNetworkError(
        "Telegram: an earlier attempt at this message is still uploading; trying again later",
      );
    }
    const target = { chatId: memory.migratedTo(tenantKey, contactChat) ?? contactChat };
    const stepContext: StepContext = { api: bots.api(token), runtime, signal: ctx.signal };
    try {
      // Each step owns the part indexes of the messages it makes, in plan order.
      let first = 0;
      for (const step of steps) {
        const count = partsOf(step);
        const indexes = Array.from({ length: count }, (_, i) => first + i);
        first += count;
        // Telegram took it on an earlier try (before a 429, a restart or a crash): never again.
        if (await allRecorded(ctx.parts, indexes)) continue;
        const messages = await runWithMigration(
          target,
          () => runStep(stepContext, target.chatId, step),
          (to) => {
            memory.rememberMigration(tenantKey, target.chatId, to);
            ctx.logger.info(
              { event: "telegram.chat_migrated", chat: to },
              "group migrated to a supergroup; resending there",
            );
          },
        );
        for (const [i, m] of messages.entries())
          await ctx.parts.record(indexes[0]! + i, `${m.chat.id}:${m.message_id}`);
      }
    } catch (error) {
      throw toSendError(error, token);
    } finally {
      memory.release(message.queueId);
    }
    return result(await ctx.parts.all(), target.chatId, contactChat);
  };
}

/** Whether an earlier try recorded every one of these parts. */
async function allRecorded(parts: SendParts, indexes: readonly number[]): Promise<boolean> {
  for (const index of indexes) if ((await parts.get(index)) === undefined) return false;
  return true;
}

/** Every message id of the message, in part order (a retry's and the earlier tries' alike). */
function result(parts: ReadonlyMap<number, string>, chatId: ChatId, contactChat: ChatId): SendResult {
  const ids = [...parts].sort(([a], [b]) => a - b).map(([, id]) => id);
  return {
    ids,
    details: {
      chatId,
      messageIds: ids.map((id) => Number(id.slice(id.lastIndexOf(":") + 1))),
      ...(chatId !== contactChat ? { migratedFrom: contactChat } : {}),
    },
  };
}

/** Runs a call; if Telegram says the group became a supergroup, switches the chat and runs it again once. */
async function runWithMigration<T>(
  target: { chatId: ChatId },
  call: () => Promise<T>,
  onMigrate: (to: number) => void,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const to = migratedChatId(error);
    if (to === undefined || to === target.chatId) throw error;
    onMigrate(to);
    target.chatId = to;
    return call();
  }
}
