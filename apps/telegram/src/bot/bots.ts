/**
 * @module bot/bots — grammY clients per bot token, all pointed at the configured API root.
 * API calls never retry inside grammY: the durable queue owns retries.
 */
import { createGuardedFetch } from "@switchboard/core";
import { Api, type ApiClientOptions } from "grammy";
import type { UserFromGetMe } from "grammy/types";

/** API calls must end well within the send queue's lease, or a slow upload could be sent twice. */
const CALL_TIMEOUT_SECONDS = 45;

/**
 * Every Bot API call goes through core's guarded request (address policy on the API root's
 * resolved address, total deadline) rather than grammY's own node-fetch. grammY's timeout already
 * counts from the start of the call; the guard's deadline is the same bound, enforced below it.
 */
const guardedFetch = createGuardedFetch({
  deadlineMs: CALL_TIMEOUT_SECONDS * 1000,
  what: "Telegram Bot API call",
  keepAlive: true,
});

/** grammY's client options: the API root, the deadline and the guarded fetch. */
function clientOptions(apiRoot: string): ApiClientOptions {
  return {
    apiRoot,
    timeoutSeconds: CALL_TIMEOUT_SECONDS,
    fetch: guardedFetch as unknown as NonNullable<ApiClientOptions["fetch"]>,
  };
}

/** The AbortSignal type grammY's Node build declares (a polyfill's); native signals work at run time. */
export type GrammySignal = NonNullable<Parameters<Api["getMe"]>[0]>;

/** A native AbortSignal typed for grammY's Node build. */
export function grammySignal(signal: AbortSignal): GrammySignal;
export function grammySignal(signal: AbortSignal | undefined): GrammySignal | undefined;
export function grammySignal(signal: AbortSignal | undefined): GrammySignal | undefined {
  return signal as unknown as GrammySignal | undefined;
}

/** Caches one `Api` per token and remembers each bot's `getMe` answer. */
export class Bots {
  private readonly apis = new Map<string, Api>();
  private readonly infos = new Map<string, UserFromGetMe>();

  constructor(readonly apiRoot: string) {}

  /** The API client of a bot. */
  api(token: string): Api {
    let api = this.apis.get(token);
    if (!api) {
      api = new Api(token, clientOptions(this.apiRoot));
      this.apis.set(token, api);
    }
    return api;
  }

  /** Calls `getMe` and remembers the answer. */
  async getMe(token: string, signal?: AbortSignal): Promise<UserFromGetMe> {
    const info = await this.api(token).getMe(grammySignal(signal));
    this.infos.set(token, info);
    return info;
  }

  /** The remembered `getMe` answer, if any. */
  info(token: string): UserFromGetMe | undefined {
    return this.infos.get(token);
  }

  /** The URL a file of the bot is downloaded from (contains the token: never log or hand it out). */
  fileUrl(token: string, filePath: string): string {
    return `${this.apiRoot}/file/bot${token}/${filePath.split("/").map(encodeURIComponent).join("/")}`;
  }
}
