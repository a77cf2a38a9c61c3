/**
 * @module send/run-step — performs one planned step with the Bot API and returns the messages
 * Telegram created. Photos too big for sendPhoto (or refused by it) go as documents.
 */
import type { GatewayRuntime } from "@switchboard/core";
import type { Api } from "grammy";
import { grammySignal } from "../bot/bots.js";
import type { InputMediaPhoto, Message } from "grammy/types";
import { renderForApi } from "../format/format-content.js";
import type { Segment } from "../format/segments.js";
import {
  download,
  openImage,
  PHOTO_LIMIT_BYTES,
  streamedInputFile,
  toInputFile,
  type Download,
} from "./attachments.js";
import type { ChatId } from "../contact/contact.js";
import { isPhotoRejected } from "./errors.js";
import type { SendStep } from "./plan.js";

/** What a step needs: the bot's API, core's downloader and the shutdown signal. */
export interface StepContext {
  api: Api;
  runtime: Pick<GatewayRuntime, "fetchAttachment" | "openAttachment">;
  signal: AbortSignal;
}

type Caption = { caption?: string; parse_mode?: "HTML" };

function captionOf(segments: Segment[] | undefined, html: boolean): Caption {
  if (!segments) return {};
  const { text, parse_mode } = renderForApi(segments, html);
  return parse_mode ? { caption: text, parse_mode } : { caption: text };
}

/** Sends one step to a chat. */
export async function runStep(ctx: StepContext, chatId: ChatId, step: SendStep): Promise<Message[]> {
  if (step.kind === "text") {
    const { text, parse_mode } = renderForApi(step.segments, step.html);
    return [await ctx.api.sendMessage(chatId, text, parse_mode ? { parse_mode } : {}, grammySignal(ctx.signal))];
  }
  const caption = captionOf(step.caption, step.html);
  if (step.kind === "file") {
    const { attachment } = step;
    if (attachment.type === "image") {
      const image = await openImage(attachment, ctx.runtime);
      if (image.kind === "document") {
        return [await ctx.api.sendDocument(chatId, image.upload, caption, grammySignal(ctx.signal))];
      }
      return [await sendImage(ctx, chatId, image.file, caption)];
    }
    const file = streamedInputFile(attachment, ctx.runtime);
    const signal = grammySignal(ctx.signal);
    if (attachment.type === "voice") return [await ctx.api.sendVoice(chatId, file, caption, signal)];
    return [await ctx.api.sendDocument(chatId, file, caption, signal)];
  }
  const files = await Promise.all(step.attachments.map((a) => download(a, ctx.runtime)));
  const photos = files.filter((f) => f.data.length <= PHOTO_LIMIT_BYTES);
  const oversized = files.filter((f) => f.data.length > PHOTO_LIMIT_BYTES);
  const sent: Message[] = [];
  let pending: Caption = caption;
  if (photos.length >= 2) {
    const media: InputMediaPhoto[] = photos.map((f, i) => ({
      type: "photo",
      media: toInputFile(f),
      ...(i === 0 ? pending : {}),
    }));
    sent.push(...(await ctx.api.sendMediaGroup(chatId, media, {}, grammySignal(ctx.signal))));
    pending = {};
  }
  for (const file of photos.length === 1 ? photos : []) {
    sent.push(await sendImage(ctx, chatId, file, pending));
    pending = {};
  }
  for (const file of oversized) {
    sent.push(await ctx.api.sendDocument(chatId, toInputFile(file), pending, grammySignal(ctx.signal)));
    pending = {};
  }
  return sent;
}

async function sendImage(ctx: StepContext, chatId: ChatId, file: Download, caption: Caption): Promise<Message> {
  const { api, signal } = ctx;
  if (file.data.length <= PHOTO_LIMIT_BYTES) {
    try {
      return await api.sendPhoto(chatId, toInputFile(file), caption, grammySignal(signal));
    } catch (error) {
      if (!isPhotoRejected(error)) throw error;
    }
  }
  return api.sendDocument(chatId, toInputFile(file), caption, grammySignal(signal));
}
