/**
 * @module send/errors — Bot API failures as Switchboard errors, so the queue knows what to do:
 * wait `retry_after` on 429, give up at once on blocked users and unknown chats, retry the rest.
 */
import { FetchError, ChannelNetworkError, ChannelRefusedError } from "@switchboard/core";
import { GrammyError, HttpError } from "grammy";
import { redactToken } from "../bot/redact.js";

/** The chat a group moved to, when Telegram answered with `migrate_to_chat_id`. */
export function migratedChatId(error: unknown): number | undefined {
  return error instanceof GrammyError ? error.parameters.migrate_to_chat_id : undefined;
}

/** True when Telegram refused the photo itself (size, dimensions), so it can go as a document. */
export function isPhotoRejected(error: unknown): boolean {
  return (
    error instanceof GrammyError && error.error_code === 400 && /PHOTO|IMAGE_PROCESS_FAILED/i.test(error.description)
  );
}

/**
 * Maps a grammY error to a Switchboard error. The message never contains the token, and the
 * original error is not attached as `cause` because network errors carry the request URL.
 */
export function toSendError(error: unknown, token: string): Error {
  if (error instanceof GrammyError) {
    const what = `Telegram: ${error.method} refused (${error.error_code}: ${redactToken(error.description, token)})`;
    const code = error.error_code;
    if (code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return new ChannelRefusedError(what, { permanent: false, code, retryAfterMs: seconds * 1000 });
    }
    // 5xx and 409 (conflicts while Telegram reconfigures) pass; every 4xx means this request is wrong for good.
    const permanent = code >= 400 && code < 500 && code !== 409;
    return new ChannelRefusedError(hint(what, code), { permanent, code });
  }
  if (error instanceof HttpError) {
    const inner = error.error;
    // An attachment streamed into the upload failed: its own error says whether a retry can help.
    if (inner instanceof FetchError && inner.message.startsWith("Attachment")) return inner;
    const why = inner instanceof FetchError ? ` (${inner.message})` : "";
    return new ChannelNetworkError(
      `Telegram: the Bot API could not be reached: ${redactToken(error.message + why, token)}`,
    );
  }
  // Anything else (attachment download failures, invalid input) already says what happened.
  return error instanceof Error ? error : new ChannelNetworkError(`Telegram: ${redactToken(String(error), token)}`);
}

function hint(message: string, code: number): string {
  if (code === 401 || code === 404)
    return `${message}; the bot token was revoked or is wrong: paste a new one from @BotFather in the settings`;
  if (code === 403) return `${message}; the user blocked the bot or the bot was removed from the chat`;
  return message;
}
