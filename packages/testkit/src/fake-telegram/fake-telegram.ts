/**
 * @module fake-telegram/fake-telegram — `startFakeTelegram()`: a real Bot API server on loopback
 * that tests point a gateway at (`TELEGRAM_API_ROOT = fake.url`), script and inspect.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createFakeTelegramApp } from "./app.js";
import { FakeTelegramState } from "./state.js";
import { unixNow } from "./method.js";
import type { FailOptions, FakeApiError, FakeBotInfo, FakeCall, FakeSentMessage, FakeWebhook } from "./types.js";

/** Options of {@link startFakeTelegram}. */
export interface FakeTelegramOptions {
  /** Port to listen on (default: any free port). */
  port?: number;
  host?: string;
}

/** Options of {@link FakeTelegram.deliverUpdate}. */
export interface DeliverOptions {
  /** Send this secret instead of the one set with setWebhook (`null`: send no header). */
  secretToken?: string | null;
}

/** The running fake, as tests use it. */
export interface FakeTelegram {
  /** API root for grammY's `apiRoot` (no trailing slash). */
  readonly url: string;
  /** Every API call, in order, with the token and parameters. */
  readonly calls: FakeCall[];
  /** Every message the fake accepted, in order. */
  readonly messages: FakeSentMessage[];
  /** Makes `token` a valid bot token; returns its `getMe` info. */
  addBot(token: string, info?: Partial<FakeBotInfo>): FakeBotInfo;
  /** Revokes a token: its calls answer 401 from now on. */
  removeBot(token: string): void;
  /** Scripts the next matching call(s) of `method` to fail with this Bot API error. */
  failNext(method: string, error: FakeApiError, options?: FailOptions): void;
  /** Stores bytes under `fileId` for the bot, for getFile and the file download URL. */
  putFile(token: string, fileId: string, bytes: Uint8Array, filePath?: string): void;
  /** The webhook the bot set, if any. */
  webhook(token: string): FakeWebhook | undefined;
  /** Sets webhook health fields (pending count, last error), as Telegram would after failures. */
  setWebhookHealth(
    token: string,
    health: Partial<Pick<FakeWebhook, "pendingUpdateCount" | "lastErrorDate" | "lastErrorMessage">>,
  ): void;
  /** Posts an update to the URL the bot set with setWebhook, with its secret; returns the answer. */
  deliverUpdate(token: string, update: Record<string, unknown>, options?: DeliverOptions): Promise<Response>;
  /** Calls of one method (optionally of one bot). */
  callsTo(method: string, token?: string): FakeCall[];
  /** Stops the server (calling it again is harmless). */
  close(): Promise<void>;
}

/** Starts the fake Bot API on loopback. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const state = new FakeTelegramState();
  const host = options.host ?? "127.0.0.1";
  let url = "";
  const app = createFakeTelegramApp(state, () => url);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;

  let closing: Promise<void> | undefined;
  const botOf = (token: string) => {
    const bot = state.bots.get(token);
    if (!bot) throw new Error(`fake-telegram: unknown bot (call addBot first)`);
    return bot;
  };

  return {
    url,
    calls: state.calls,
    messages: state.messages,
    addBot: (token, info) => state.addBot(token, info),
    removeBot: (token) => void state.bots.delete(token),
    failNext: (method, error, opts) => state.failNext(method, error, opts),
    putFile: (token, fileId, bytes, filePath) =>
      void state.storeFile(botOf(token), Buffer.from(bytes), fileId, filePath),
    webhook: (token) => state.bots.get(token)?.webhook,
    setWebhookHealth: (token, health) => {
      const hook = botOf(token).webhook;
      if (!hook) throw new Error("fake-telegram: the bot has no webhook");
      Object.assign(hook, health);
    },
    deliverUpdate: async (token, update, opts = {}) => {
      const hook = botOf(token).webhook;
      if (!hook) throw new Error("fake-telegram: the bot has no webhook to deliver to");
      const secret = opts.secretToken === undefined ? hook.secretToken : opts.secretToken;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (secret != null) headers["x-telegram-bot-api-secret-token"] = secret;
      let response: Response;
      try {
        response = await fetch(hook.url, { method: "POST", headers, body: JSON.stringify(update) });
      } catch (error) {
        recordFailure(hook, "Connection refused");
        throw error;
      }
      if (response.ok) hook.pendingUpdateCount = 0;
      else recordFailure(hook, `Wrong response from the webhook: ${response.status} ${response.statusText}`);
      return response;
    },
    callsTo: (method, token) =>
      state.calls.filter((c) => c.method === method && (token === undefined || c.token === token)),
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from clients would hold close() open.
        if ("closeAllConnections" in server) server.closeAllConnections();
      })),
  };
}

function recordFailure(hook: FakeWebhook, message: string): void {
  hook.pendingUpdateCount += 1;
  hook.lastErrorDate = unixNow();
  hook.lastErrorMessage = message;
}
