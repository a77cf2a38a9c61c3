import { salesrender } from "@switchboard/host-salesrender";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telegram, type TelegramGateway } from "../gateway.js";
import { freshChat, nextId, startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "telegram-resume-")), "telegram.sqlite");
// Long enough that the first process is stopped well before it would try again itself.
const RETRY_AFTER_S = 5;
let stack: TelegramStack;
let restarted: GatewayHandle<TelegramGateway> | undefined;

beforeAll(async () => {
  stack = await startTelegramStack({ env: { SWITCHBOARD_DB_PATH: dbPath } });
});
afterAll(async () => {
  await restarted?.stop({ timeoutMs: 1000 });
  await stack.close();
});

describe("a split message across a restart", () => {
  it("resumes at the part Telegram refused with 429 and never sends the parts it took again", async () => {
    const chat = freshChat();
    const calls = () => stack.fake.callsTo("sendMessage").filter((c) => String(c.params.chat_id) === String(chat));
    // Four parts of about 3 200 characters; Telegram takes two, then asks to wait on the third.
    const paragraphs = Array.from({ length: 10 }, (_, i) => `Part ${i} ` + "word ".repeat(210).trim());
    stack.fake.failNext(
      "sendMessage",
      {
        error_code: 429,
        description: `Too Many Requests: retry after ${RETRY_AFTER_S}`,
        parameters: { retry_after: RETRY_AFTER_S },
      },
      { chatId: chat, after: 2 },
    );
    const id = nextId();
    await stack.send(0, {
      chat: { id: null, contact: `tg://user?id=${chat}`, subject: null },
      message: { id, content: { text: paragraphs.join("\n\n"), format: "text" }, attachments: [] },
    });
    await stack.crm.waitFor(() => calls().length === 3, 10_000);

    await stack.gw.stop({ timeoutMs: 1000 });
    const restartedAt = Date.now();
    restarted = await startGateway(telegram, {
      hosts: [salesrender],
      env: { ...conformanceEnv(stack.crm), SWITCHBOARD_DB_PATH: dbPath },
      gatewayEnv: { apiRoot: stack.fake.url },
      port: stack.gw.port,
    });
    await stack.waitStatus(id, "sent");

    expect(calls().map((c) => [c.ok, c.error?.error_code ?? null])).toEqual([
      [true, null],
      [true, null],
      [false, 429],
      [true, null],
      [true, null],
    ]);
    // The third part went out from the new process: nothing in memory carried the progress over.
    expect(calls()[3]!.at).toBeGreaterThanOrEqual(restartedAt);
    const sent = stack.fake.messages.filter((m) => m.token === TOKENS[0] && m.chatId === String(chat));
    expect(sent.map((m) => m.text).join("\n\n")).toBe(paragraphs.join("\n\n"));
    expect(sent).toHaveLength(4);
    expect(stack.crm.statusesOf(id)).toEqual(["sent"]);
  }, 30_000);
});
