import { postChunkedFlood } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";
import { UPDATE_BODY_LIMIT } from "./update-webhook.js";

const FLOOD_BYTES = 150 * 1024 * 1024;

describe("Telegram webhook bodies are bounded while they stream", () => {
  let stack: TelegramStack;
  beforeAll(async () => {
    stack = await startTelegramStack();
  });
  afterAll(() => stack.close());

  it("answers 413 to a 150 MB chunked body with the right secret, without buffering it", async () => {
    const hook = stack.fake.webhook(TOKENS[0])!;
    global.gc?.();
    const before = process.memoryUsage().rss;
    const result = await postChunkedFlood(hook.url, {
      totalBytes: FLOOD_BYTES,
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secretToken! },
    });
    const grown = process.memoryUsage().rss - before;
    expect(result.status).toBe(413);
    expect(result.body).toEqual({ code: 413, message: `Request body is larger than ${UPDATE_BODY_LIMIT} bytes` });
    // Answered once the limit was passed, not after the whole body (socket buffers add a few MB).
    expect(result.bytesSentBeforeAnswer).toBeLessThan(FLOOD_BYTES / 4);
    // Buffering the body would add its 150 MB (and more for the string); allow a generous margin.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });
});
