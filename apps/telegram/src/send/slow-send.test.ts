import { afterAll, beforeAll, expect, it } from "vitest";
import { bytesOf } from "@switchboard/testkit";
import { nextId, startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;

beforeAll(async () => {
  // A 1-second lease: the queue hands the message out again while the first attempt still downloads.
  stack = await startTelegramStack({ env: { SWITCHBOARD_SEND_LEASE_SECONDS: "1" } });
});
afterAll(() => stack.close());

it("uploads once when a slow send outlives its queue lease", async () => {
  const bytes = bytesOf(2000, 9);
  const uri = stack.files.put("slow.pdf", bytes, "application/pdf", { delayMs: 2500 });
  const id = nextId("slow");
  await stack.send(0, {
    chat: { contact: "tg://user?id=31337" },
    message: {
      id,
      content: { text: "slow one", format: "text" },
      attachments: [{ name: "slow.pdf", uri, type: "file" }],
    },
  });
  await stack.waitStatus(id, "sent");
  expect(stack.files.hits.get("slow.pdf")).toBe(1);
  const uploads = stack.fake.messages.filter((m) => m.token === TOKENS[0] && m.chatId === "31337");
  expect(uploads.map((m) => [m.method, m.text])).toEqual([["sendDocument", "slow one"]]);
  expect(stack.crm.statusesOf(id)).toEqual(["sent"]);
});
