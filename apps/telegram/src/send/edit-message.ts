/**
 * @module send/edit-message — the gateway's `edit` and `remove` of a message it sent: the text is
 * changed in place (`editMessageText` on its text parts, or `editMessageCaption` on the first
 * file when the text went as its caption), the parts deleted with `deleteMessage`.
 *
 * A message split into several parts keeps its place in the chat: the new text is split the same
 * way and edits the parts in order; parts the new text no longer needs are deleted. A new text
 * needing more parts than were sent is refused (permanent, with the reason): sending the rest as
 * new messages would put them after everything written since. Attachments are not replaced: only
 * the text changes. "Message is not modified" counts as done; "message to edit not found" and
 * "message can't be deleted" are permanent refusals with Telegram's reason; a part already gone
 * ("message to delete not found") counts as deleted, so a retried removal finishes.
 */
import {
  ChannelRefusedError,
  type EditRequest,
  type EditResult,
  type OperationContext,
  type RemoveRequest,
} from "@switchboard/core";
import { GrammyError, type Api } from "grammy";
import { grammySignal, type Bots } from "../bot/bots.js";
import type { ChatId } from "../contact/contact.js";
import { formatContent, renderForApi } from "../format/format-content.js";
import { visibleLength } from "../format/segments.js";
import { CAPTION_LIMIT, splitSegments, TEXT_LIMIT } from "../format/split.js";
import type { TelegramSettings } from "../settings/form.js";
import { toSendError } from "./errors.js";
import { partsOf, planMessage } from "./plan.js";

/** A part of a sent message, from its channel id `<chat id>:<message id>`. */
interface Part {
  id: string;
  chatId: ChatId;
  messageId: number;
}

function partOf(id: string): Part {
  const at = id.lastIndexOf(":");
  const chat = id.slice(0, at);
  const messageId = Number(id.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(messageId)) {
    throw new ChannelRefusedError(`Telegram: ${JSON.stringify(id.slice(0, 60))} is not a message id of ours`, {
      permanent: true,
    });
  }
  return { id, chatId: /^-?\d+$/.test(chat) ? Number(chat) : chat, messageId };
}

function tokenOf(ctx: OperationContext<TelegramSettings>): string {
  const token = ctx.tenant.settings.main?.botToken;
  if (typeof token !== "string" || token === "") {
    throw new ChannelRefusedError("Telegram: no bot token is configured: open the plugin settings and paste it", {
      permanent: true,
    });
  }
  return token;
}

/** True for Telegram's answer to an edit that changes nothing. */
function notModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** True for Telegram's answer to deleting a message that is already gone. */
function alreadyDeleted(error: unknown): boolean {
  return (
    error instanceof GrammyError && error.error_code === 400 && /message to delete not found/i.test(error.description)
  );
}

/** Builds the gateway's `edit` and `remove`. */
export function createEditor(bots: Bots) {
  async function deletePart(api: Api, part: Part, signal: AbortSignal): Promise<void> {
    try {
      await api.deleteMessage(part.chatId, part.messageId, grammySignal(signal));
    } catch (error) {
      if (!alreadyDeleted(error)) throw error;
    }
  }

  return {
    async edit(ctx: OperationContext<TelegramSettings>, request: EditRequest): Promise<EditResult> {
      const token = tokenOf(ctx);
      const api = bots.api(token);
      const parts = request.channelIds.map(partOf);
      const sentPlan = planMessage(request.sent);
      // Text parts come first; an earlier, shorter edit deleted the last of them (they are gone from the ids).
      const planned = sentPlan.reduce((sum, step) => sum + partsOf(step), 0);
      const removed = Math.max(0, planned - parts.length);
      const textParts = Math.max(0, sentPlan.filter((step) => step.kind === "text").length - removed);
      const formatted = request.message.content ? formatContent(request.message.content) : undefined;
      const segments = formatted && visibleLength(formatted.segments) > 0 ? formatted.segments : [];
      const html = formatted?.html ?? false;
      try {
        if (textParts === 0) {
          // The text (if any) went as the first file's caption.
          if (visibleLength(segments) > CAPTION_LIMIT) {
            throw new ChannelRefusedError(
              `Telegram: the new text is longer than a caption holds (${CAPTION_LIMIT}); the message was not edited`,
              { permanent: true },
            );
          }
          const first = parts[0];
          if (!first) throw new ChannelRefusedError("Telegram: the message has no parts to edit", { permanent: true });
          const rendered = segments.length ? renderForApi(segments, html) : undefined;
          try {
            await api.editMessageCaption(
              first.chatId,
              first.messageId,
              {
                ...(rendered ? { caption: rendered.text } : {}),
                ...(rendered?.parse_mode ? { parse_mode: rendered.parse_mode } : {}),
              },
              grammySignal(ctx.signal),
            );
          } catch (error) {
            if (!notModified(error)) throw error;
          }
          return request.channelIds;
        }
        if (segments.length === 0) {
          throw new ChannelRefusedError("Telegram: an edit to an empty text is refused; delete the message instead", {
            permanent: true,
          });
        }
        const chunks = splitSegments(segments, TEXT_LIMIT);
        if (chunks.length > textParts) {
          throw new ChannelRefusedError(
            `Telegram: the new text needs ${chunks.length} messages and the sent text has ${textParts}; the message was not edited`,
            { permanent: true },
          );
        }
        for (const [i, chunk] of chunks.entries()) {
          const part = parts[i]!;
          const { text, parse_mode } = renderForApi(chunk, html);
          try {
            await api.editMessageText(
              part.chatId,
              part.messageId,
              text,
              parse_mode ? { parse_mode } : {},
              grammySignal(ctx.signal),
            );
          } catch (error) {
            if (!notModified(error)) throw error;
          }
        }
        // Text parts the shorter text no longer fills.
        for (const part of parts.slice(chunks.length, textParts)) await deletePart(api, part, ctx.signal);
        return [...request.channelIds.slice(0, chunks.length), ...request.channelIds.slice(textParts)];
      } catch (error) {
        if (error instanceof ChannelRefusedError) throw error;
        throw toSendError(error, token);
      }
    },

    async remove(ctx: OperationContext<TelegramSettings>, request: RemoveRequest): Promise<void> {
      const token = tokenOf(ctx);
      const api = bots.api(token);
      try {
        for (const part of request.channelIds.map(partOf)) await deletePart(api, part, ctx.signal);
      } catch (error) {
        if (error instanceof ChannelRefusedError) throw error;
        throw toSendError(error, token);
      }
    },
  };
}
