import { afterEach, describe, expect, it } from "vitest";
import { echoGateway, startHostHarness, type HostHarness } from "../test/host-harness.js";

let harness: HostHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function hiddenToken(html: string): string {
  const match = /name="sb_form" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("the page has no form token");
  return match[1]!.replace(/&amp;/g, "&");
}

/** The harness with an installed portal and line 1 connected; `capable` declares edit and delete. */
async function connected(capable: boolean) {
  const gateway = capable
    ? {
        ...echoGateway,
        capabilities: {
          ...echoGateway.capabilities,
          messages: { ...echoGateway.capabilities.messages, edit: true, delete: true },
        },
      }
    : echoGateway;
  harness = await startHostHarness({ gateway });
  const h = harness;
  expect((await h.fake.portal.install({ install: `${h.self}bitrix24/install` })).event.status).toBe(200);
  const page = await h.fake.portal.openSettings(1);
  const saved = await h.fake.portal.openSettings(1, {
    sb_form: hiddenToken(page.html),
    sb_lang: "en_US",
    "settings[main][apiKey]": "key-1",
    "settings[main][webhookSecret]": "hook-1",
  });
  expect(saved.status).toBe(200);
  return h;
}

describe("operator edits and deletes (bitrix24/events)", () => {
  it("hands them to core's queue when the gateway can: the new text in its format, keyed per event", async () => {
    const h = await connected(true);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Hello");
    const edited = await h.fake.portal.operatorEdits(said.imMessageId, "Hello [b]again[/b]");
    expect(JSON.parse(edited[0]!.answer!)).toEqual({ ok: true, queued: 1 });
    const deleted = await h.fake.portal.operatorDeletes(said.imMessageId);
    expect(JSON.parse(deleted[0]!.answer!)).toEqual({ ok: true, queued: 1 });
    const [edit, remove] = h.operations;
    expect(edit).toMatchObject({
      action: "edit",
      crmMessageId: String(said.imMessageId),
      message: { content: { format: "markdown", text: expect.stringContaining("**again**") }, attachments: [] },
      operationKey: expect.stringMatching(/^update:\d*:[0-9a-f]{32}$/),
      hostData: { line: 1, im: { chatId: said.imChatId, messageId: said.imMessageId }, chatId: "tg-42" },
    });
    expect(remove).toMatchObject({ action: "remove", crmMessageId: String(said.imMessageId), operationKey: "delete" });
  });

  it("records and ignores them for a gateway that cannot edit or delete", async () => {
    const h = await connected(false);
    const said = await h.fake.portal.operatorSays(1, "tg-42", "Hello");
    const edited = await h.fake.portal.operatorEdits(said.imMessageId, "Hello again");
    expect(edited[0]!.status).toBe(200);
    expect(JSON.parse(edited[0]!.answer!)).toMatchObject({ ok: true, ignored: expect.any(String) });
    await h.fake.portal.operatorDeletes(said.imMessageId);
    expect(h.operations).toEqual([]);
  });
});
