/**
 * @module fake-telegram/method — the shape of one fake Bot API method and shared answers.
 */
import type { UploadedFile } from "./params.js";
import type { FakeBotState, FakeTelegramState } from "./state.js";
import type { FakeApiError } from "./types.js";

/** What a method handler gets: the fake's state, the calling bot and the call's parameters. */
export interface MethodInput {
  state: FakeTelegramState;
  bot: FakeBotState;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  /** Base URL of the fake (for nothing secret: file URLs are built by clients). */
  baseUrl: string;
}

/** An answer: `ok` with a result, or a Bot API error. */
export type MethodResult = { ok: true; result: unknown } | { ok: false; error: FakeApiError };

/** One Bot API method. */
export type MethodHandler = (input: MethodInput) => MethodResult;

/** A 400 answer with Telegram's `Bad Request: ` prefix. */
export function badRequest(description: string): MethodResult {
  return { ok: false, error: { error_code: 400, description: `Bad Request: ${description}` } };
}

/** A successful answer. */
export function ok(result: unknown): MethodResult {
  return { ok: true, result };
}

/** Unix time in seconds, as the Bot API uses. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
