import { jsonPaths, withValueAt, WRONG_KIND_VALUES } from "@switchboard/testkit";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshChat, startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;
const updates = new UpdateBuilder();

beforeAll(async () => {
  stack = await startTelegramStack();
});
afterAll(() => stack.close());

/** Posts a body to tenant 0's webhook with its valid secret, as Telegram would. */
async function post(body: string): Promise<{ status: number; json: unknown }> {
  const hook = stack.fake.webhook(TOKENS[0])!;
  const res = await fetch(hook.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secretToken! },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

/** Well-formed updates of every kind the gateway reads, to break one field at a time. */
function templates(): Array<Record<string, unknown>> {
  const chat = { id: 7001 };
  const file = { file_id: "f1", file_unique_id: "u1", file_size: 10 };
  return [
    updates.text(chat, "hello"),
    updates.message(chat, {
      caption: "pic",
      photo: [{ ...file, width: 90, height: 60 }],
    }),
    updates.message(chat, { voice: { ...file, duration: 1, mime_type: "audio/ogg" } }),
    updates.message(chat, { document: { ...file, file_name: "a.pdf", mime_type: "application/pdf" } }),
    updates.message(chat, { audio: { ...file, duration: 1 }, video: { ...file, width: 1, height: 1, duration: 1 } }),
    updates.message(chat, { video_note: { ...file, length: 1, duration: 1 } }),
    updates.message(chat, {
      sticker: { ...file, width: 1, height: 1, is_animated: false, is_video: false, emoji: "🙂" },
    }),
    updates.message(chat, { location: { latitude: 1.5, longitude: 2.5 } }),
    updates.message(chat, {
      venue: { title: "Shop", address: "Main St", location: { latitude: 1, longitude: 2 } },
      contact: { phone_number: "+15550100", first_name: "Ann", last_name: "Lee" },
    }),
    updates.edited(chat, 1, { text: "edited" }),
    updates.text({ id: -100_123, type: "supergroup", title: "Group" }, "in a group"),
  ];
}

const wrongValue = fc.oneof(fc.constantFrom(...WRONG_KIND_VALUES), fc.jsonValue({ maxDepth: 2 }));

describe("malformed Telegram updates", () => {
  it("never answer 5xx: JSON with wrong ids or field types gets 200 (ignored) or 400 {code, message}", async () => {
    const all = templates();
    const cases = all.flatMap((t) => jsonPaths(t).map((path) => ({ template: t, path })));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), wrongValue, fc.nat(), async (index, value, id) => {
        const { template, path } = cases[index]!;
        const update = withValueAt({ ...template, update_id: 900_000_000 + id }, path, value);
        const res = await post(JSON.stringify(update));
        expect(res.status, JSON.stringify(update)).toBeLessThan(500);
        if (res.status >= 400) expect(res.json).toMatchObject({ code: res.status, message: expect.any(String) });
      }),
      { numRuns: 400 },
    );
  });

  it("never answer 5xx to any JSON at all", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const res = await post(JSON.stringify(value));
        expect(res.status, JSON.stringify(value)).toBeLessThan(500);
        if (res.status >= 400) expect(res.json).toMatchObject({ code: res.status, message: expect.any(String) });
      }),
      { numRuns: 200 },
    );
  });

  it("ignores an update whose chat id is a string or has the wrong sign, and still forwards the next good one", async () => {
    for (const chat of [
      { id: "7002", type: "private", first_name: "A" },
      { id: -7002, type: "private", first_name: "A" },
      { id: 7002, type: "group", title: "G" },
    ]) {
      const bad = updates.text({ id: 7002 }, "bad");
      const res = await post(JSON.stringify({ ...bad, message: { ...(bad.message as object), chat } }));
      expect(res.status).toBe(200);
    }
    const chat = freshChat();
    expect((await post(JSON.stringify(updates.text({ id: chat }, "good after bad")))).status).toBe(200);
    await stack.crm.waitFor(() => stack.crm.incoming.find((r) => r.body.message.content?.text === "good after bad"));
    expect(stack.crm.incoming.filter((r) => r.body.message.content?.text === "bad")).toEqual([]);
  });
});
