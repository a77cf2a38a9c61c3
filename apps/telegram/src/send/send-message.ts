/**
 * @module send/send-message — the gateway's `send`: plan the calls, run them in order (resuming
 * after a retry), follow a group's migration to its supergroup, and return every message id.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  isRetryable,
  referenceKey,
  type GatewayRuntime,
  type OutgoingMessage,
  type SendContext,
  type SendResult,
} from "@switchboard/core";
import type { Bots } from "../bot/bots.js";
import type { TelegramSettings } from "../settings/form.js";
import { parseContact } from "../contact/contact.js";
import { migratedChatId, toSendError } from "./errors.js";
import { planMessage } from "./plan.js";
import type { Progress, SendMemory } from "./progress.js";
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
    const tenantKey = referenceKey(ctx.tenant.ref);
    const contactChat = parseContact(message.chat.contact);
    const steps = planMessage(message.message);
    if (!memory.claim(message.queueId)) {
      throw new ChannelNetworkError(
        "Telegram: an earlier attempt at this message is still uploading; trying again later",
      );
    }
    const progress = memory.start(message.queueId, memory.migratedTo(tenantKey, contactChat) ?? contactChat);
    const stepContext: StepContext = { api: bots.api(token), runtime, signal: ctx.signal };
    try {
      for (; progress.done < steps.length; progress.done += 1) {
        const step = steps[progress.done]!;
        const messages = await runWithMigration(
          progress,
          () => runStep(stepContext, progress.chatId, step),
          (to) => {
            memory.rememberMigration(tenantKey, progress.chatId, to);
            ctx.logger.info({ to }, "group migrated to a supergroup; resending there");
          },
        );
        for (const m of messages) {
          progress.ids.push(`${m.chat.id}:${m.message_id}`);
          progress.messageIds.push(m.message_id);
        }
      }
    } catch (error) {
      const mapped = toSendError(error, token);
      // Keep the progress only if the queue will try again.
      if (!isRetryable(mapped)) memory.finish(message.queueId);
      throw mapped;
    } finally {
      memory.release(message.queueId);
    }
    memory.finish(message.queueId);
    return {
      ids: progress.ids,
      details: {
        chatId: progress.chatId,
        messageIds: progress.messageIds,
        ...(progress.migratedFrom !== undefined ? { migratedFrom: progress.migratedFrom } : {}),
      },
    };
  };
}

/** Runs a call; if Telegram says the group became a supergroup, switches the chat and runs it again once. */
async function runWithMigration<T>(
  progress: Progress,
  call: () => Promise<T>,
  onMigrate: (to: number) => void,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const to = migratedChatId(error);
    if (to === undefined || to === progress.chatId) throw error;
    onMigrate(to);
    progress.migratedFrom ??= progress.chatId;
    progress.chatId = to;
    return call();
  }
}
