import { fileURLToPath } from "node:url";
import { createLogger } from "@switchboard/core/internal";
import { checkLogLines, readDocumentedLogs } from "@switchboard/testkit";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshChat, nextId, startTelegramStack, TOKENS, type TelegramStack } from "./test/stack.js";

const doc = readDocumentedLogs(fileURLToPath(new URL("../../../docs/operating.md", import.meta.url)));
const lines: string[] = [];
let stack: TelegramStack;

beforeAll(async () => {
  const logger = createLogger({ level: "trace", name: "telegram" }, { write: (line: string) => void lines.push(line) });
  stack = await startTelegramStack({ logger });
});
afterAll(() => stack.close());

const eventsOf = () => lines.map((l) => (JSON.parse(l) as { event?: unknown }).event);
const linesOf = (event: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

it("writes every line as docs/operating.md documents it, and no secret in any", async () => {
  const text = (id: string, chat: number, format = "text") => ({
    chat: { contact: `tg://user?id=${chat}` },
    message: { id, content: { text: `hello ${id}`, format }, attachments: [] },
  });

  // Sent at once; its status reaches the CRM on the second try.
  stack.crm.fail({ status: 503, times: 1, only: "status" });
  const sent = nextId("log");
  await stack.send(0, text(sent, freshChat()));
  await stack.waitStatus(sent, "sent");

  // Telegram says 429 once, then takes it.
  const limited = nextId("log");
  stack.fake.failNext(
    "sendMessage",
    { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
    { token: TOKENS[0] },
  );
  await stack.send(0, text(limited, freshChat()));
  await stack.waitStatus(limited, "sent");

  // The customer blocked the bot: an error status, for good.
  const blocked = nextId("log");
  stack.fake.failNext(
    "sendMessage",
    { error_code: 403, description: "Forbidden: bot was blocked by the user" },
    {
      token: TOKENS[0],
    },
  );
  await stack.send(0, text(blocked, freshChat()));
  await stack.waitStatus(blocked, "error");

  // A format the CRM may add one day: sent as plain text.
  const odd = nextId("log");
  await stack.send(1, text(odd, freshChat(), "bbcode-v9"));
  await stack.waitStatus(odd, "sent");

  // A customer writes; a forged update is refused; an update of the wrong shape is ignored.
  const updates = new UpdateBuilder();
  await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: freshChat() }, "log line check"));
  await stack.crm.waitFor(() => stack.crm.incoming.some((r) => r.body.message.content?.text === "log line check"));
  const forged = await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: freshChat() }, "forged"), {
    secretToken: "not-the-secret",
  });
  expect(forged.status).toBe(401);
  const wrongShape = updates.text({ id: freshChat() }, "x") as { message: Record<string, unknown> };
  const ignored = await stack.fake.deliverUpdate(TOKENS[0], {
    ...wrongShape,
    message: { ...wrongShape.message, text: 5 },
  });
  expect(ignored.status).toBe(200);

  await stack.crm.waitFor(() => eventsOf().filter((e) => e === "outbox.delivered").length >= 5);

  expect(checkLogLines(lines, doc)).toEqual([]);
  const seen = new Set(eventsOf());
  for (const event of [
    "registration.done",
    "telegram.webhook_set",
    "send.sent",
    "send.retrying",
    "send.failed",
    "send.unknown_format",
    "outbox.delivered",
    "outbox.retrying",
    "webhook.received",
    "webhook.refused",
    "telegram.update_ignored",
  ])
    expect(seen, event).toContain(event);

  // The lines say what an operator needs: which message, which attempt, what the channel said.
  expect(linesOf("send.retrying").find((l) => l.crmMessageId === limited)).toMatchObject({
    attempt: 1,
    err: { type: "ChannelRefusedError", code: 429, retryable: true },
  });
  expect(linesOf("send.failed").find((l) => l.crmMessageId === blocked)).toMatchObject({
    err: { type: "ChannelRefusedError", code: 403, retryable: false },
    exhausted: false,
  });
  expect(linesOf("outbox.retrying")[0]).toMatchObject({ kind: "status", attempt: 1, err: { type: "CrmRefusedError" } });
  expect(linesOf("webhook.refused")[0]).toMatchObject({ webhook: "update", status: 401 });

  // No bot token (nor its secret half), no webhook secret, no CRM token (a JWT) in any line.
  const all = lines.join("\n");
  for (const token of TOKENS) {
    expect(all).not.toContain(token.split(":")[1]);
    expect(all).not.toContain(stack.fake.webhook(token)!.secretToken!);
  }
  expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
});
