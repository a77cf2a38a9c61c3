/**
 * @module fake-telegram/app — the Hono app of the fake Bot API: `/bot<token>/<method>` and
 * `/file/bot<token>/<path>`, answering like api.telegram.org (HTTP status = error_code).
 */
import { Hono, type Context } from "hono";
import { botMethods } from "./bot-methods.js";
import { editMethods } from "./edit-methods.js";
import type { MethodHandler, MethodResult } from "./method.js";
import { readParams, type CallParams } from "./params.js";
import { sendMethods } from "./send-methods.js";
import type { FakeTelegramState } from "./state.js";
import type { FakeApiError } from "./types.js";

const METHODS: Record<string, MethodHandler> = { ...botMethods, ...sendMethods, ...editMethods };

function answer(c: Context, result: MethodResult): Response {
  if (result.ok) return c.json({ ok: true, result: result.result });
  const { error_code, description, parameters } = result.error;
  return c.json({ ok: false, error_code, description, ...(parameters ? { parameters } : {}) }, error_code as 400);
}

const UNAUTHORIZED: FakeApiError = { error_code: 401, description: "Unauthorized" };
const NOT_FOUND: FakeApiError = { error_code: 404, description: "Not Found" };

/** Builds the fake's HTTP app over a state; `baseUrl()` gives its own URL once listening. */
export function createFakeTelegramApp(state: FakeTelegramState, baseUrl: () => string): Hono {
  const app = new Hono();

  app.on(["GET", "POST"], "/:botToken{bot[^/]+}/:method", async (c) => {
    const at = Date.now();
    const token = c.req.param("botToken").slice(3);
    const method = c.req.param("method");
    let call: CallParams;
    try {
      call = await readParams(c);
    } catch (error) {
      return answer(c, {
        ok: false,
        error: { error_code: 400, description: `Bad Request: ${(error as Error).message}` },
      });
    }
    const bot = state.bots.get(token);
    const handler = METHODS[method];
    const scripted = bot && handler ? state.takeFailure(method, token, call.params.chat_id) : undefined;
    let result: MethodResult;
    if (!bot) result = { ok: false, error: UNAUTHORIZED };
    else if (!handler) result = { ok: false, error: NOT_FOUND };
    else if (scripted) result = { ok: false, error: scripted };
    else result = handler({ state, bot, ...call, baseUrl: baseUrl() });
    state.calls.push({
      token,
      method,
      params: call.params,
      files: call.files,
      at,
      ok: result.ok,
      ...(result.ok ? { result: result.result } : { error: result.error }),
    });
    return answer(c, result);
  });

  app.get("/file/:botToken{bot[^/]+}/:path{.+}", (c) => {
    const bot = state.bots.get(c.req.param("botToken").slice(3));
    const path = c.req.param("path");
    const file = bot ? [...bot.files.values()].find((f) => f.filePath === path) : undefined;
    if (!file) return c.json({ ok: false, error_code: 404, description: "Not Found" }, 404);
    return c.body(new Uint8Array(file.bytes), 200, {
      "content-type": "application/octet-stream",
      "content-length": String(file.bytes.length),
    });
  });

  app.notFound((c) => c.json({ ok: false, error_code: 404, description: "Not Found" }, 404));
  return app;
}
