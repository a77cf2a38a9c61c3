import { createLogger } from "@switchboard/core/internal";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf } from "@switchboard/testkit";
import { nextId, startTelegramStack, TENANTS, TOKENS, type TelegramStack } from "./test/stack.js";

const lines: string[] = [];
let stack: TelegramStack;

beforeAll(async () => {
  const logger = createLogger({ level: "trace", name: "telegram" }, { write: (line: string) => void lines.push(line) });
  stack = await startTelegramStack({ logger });
});
afterAll(() => stack.close());

it("never writes a bot token into logs, answers or links, even when Telegram fails or is unreachable", async () => {
  const answers: string[] = [];
  const wrong = await stack.crm.putSettings(stack.url, TENANTS[1], {
    main: { botToken: "424242:QQnot-a-real-token-at-all" },
  });
  answers.push(await wrong.text());

  stack.fake.failNext(
    "sendMessage",
    { error_code: 403, description: "Forbidden: bot was blocked by the user" },
    { token: TOKENS[0] },
  );
  const blocked = nextId("leak");
  await stack.send(0, {
    chat: { contact: "tg://user?id=61" },
    message: { id: blocked, content: { text: "x", format: "text" }, attachments: [] },
  });
  await stack.waitStatus(blocked, "error");

  stack.fake.putFile(TOKENS[0], "leak-file", bytesOf(10));
  await stack.fake.deliverUpdate(
    TOKENS[0],
    new UpdateBuilder().message(
      { id: 62 },
      { caption: "leak check", document: { file_id: "leak-file", file_unique_id: "lf", file_name: "a.bin" } },
    ),
  );
  const incoming = await stack.crm.waitFor(
    () => stack.crm.incoming.find((r) => r.body.message.content?.text === "leak check"),
    10_000,
  );
  const link = incoming.body.message.attachments?.[0]?.uri ?? "";

  // Now Telegram goes away: sends, previews and downloads fail over the network.
  await stack.fake.close();
  const stranded = nextId("leak");
  await stack.send(0, {
    chat: { contact: "tg://user?id=63" },
    message: { id: stranded, content: { text: "y", format: "text" }, attachments: [] },
  });
  await stack.crm.waitFor(
    () => lines.some((l) => l.includes("will retry") && l.includes("could not be reached")),
    10_000,
  );
  const preview = await stack.crm.request(stack.url, TENANTS[0], "GET", "protected/preview/markdown/connection");
  answers.push(await preview.text());
  const download = await fetch(link);
  expect(download.status).toBe(502);
  answers.push(await download.text());

  // What the gateway said to the CRM (the CRM's own settings requests carry the token, of course).
  const toCrm = stack.crm.events.map((e) => ({
    url: e.url,
    answer: e.responseBody,
    error: e.error,
    from: e.direction === "from-gateway" ? e.requestBody : undefined,
  }));
  const everything = [...lines, ...answers, link, JSON.stringify(stack.crm.incoming), JSON.stringify(toCrm)].join("\n");
  for (const token of [...TOKENS, "424242:QQnot-a-real-token-at-all"]) {
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split(":")[1]);
  }
});
