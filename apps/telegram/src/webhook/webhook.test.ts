import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import type { WebhookRequest } from "@switchboard/core";
import type { IncomingBody, RecordedRequest } from "@switchboard/testkit";
import { UpdateBuilder } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesOf } from "@switchboard/testkit";
import { freshChat, startTelegramStack, TENANTS, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;
const updates = new UpdateBuilder();

beforeAll(async () => {
  stack = await startTelegramStack();
});
afterAll(() => stack.close());

async function deliver(update: Record<string, unknown>, token: string = TOKENS[0]): Promise<Response> {
  const res = await stack.fake.deliverUpdate(token, update);
  expect(res.status).toBe(200);
  return res;
}

/** Waits for the CRM to receive a message with exactly this text. */
function incomingWithText(text: string): Promise<RecordedRequest<IncomingBody>> {
  return stack.crm.waitFor(() => stack.crm.incoming.find((r) => r.body.message.content?.text === text), 10_000);
}

function incomingFrom(contact: string): RecordedRequest<IncomingBody>[] {
  return stack.crm.incoming.filter((r) => r.body.chat.contact === contact);
}

describe("receiving", () => {
  it("forwards a private text message with the chat as a tg://user contact (the name other hosts get stays off this wire)", async () => {
    const chat = freshChat();
    await deliver(updates.text({ id: chat }, "Hello <world> & *friends*"));
    const got = await incomingWithText("Hello <world> & *friends*");
    expect(got.ref).toEqual(TENANTS[0]);
    expect(got.body).toEqual({
      chat: { id: null, contact: `tg://user?id=${chat}`, subject: null },
      message: { content: { text: "Hello <world> & *friends*", format: "text" }, attachments: [] },
    });
  });

  it("forwards /start with its deep-link payload as text", async () => {
    await deliver(updates.text({ id: freshChat() }, "/start promo-42"));
    await incomingWithText("/start promo-42");
  });

  it("forwards a photo at its largest size, downloadable byte for byte through a signed link", async () => {
    const chat = freshChat();
    const big = bytesOf(300_000, 11);
    stack.fake.putFile(TOKENS[0], "photo-big", big, "photos/file_9.jpg");
    stack.fake.putFile(TOKENS[0], "photo-small", bytesOf(100, 12), "photos/file_8.jpg");
    await deliver(
      updates.message(
        { id: chat },
        {
          caption: "my receipt",
          photo: [
            { file_id: "photo-small", file_unique_id: "s1", width: 90, height: 60, file_size: 100 },
            { file_id: "photo-big", file_unique_id: "b1", width: 1280, height: 853, file_size: big.length },
          ],
        },
      ),
    );
    const got = await incomingWithText("my receipt");
    const [attachment, ...rest] = got.body.message.attachments ?? [];
    expect(rest).toEqual([]);
    expect(attachment).toMatchObject({ type: "image", name: "photo_b1.jpg" });
    expect(attachment!.uri.startsWith(stack.url)).toBe(true);
    expect(attachment!.uri).not.toContain(TOKENS[0]);
    expect(attachment!.uri).not.toContain("111111");
    const res = await fetch(attachment!.uri);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), big)).toBe(0);
    // A forged or altered link serves nothing.
    const forged = attachment!.uri.replace(
      /files\/([^.]+)\.([^/]+)/,
      (_m, payload: string, sig: string) => `files/${payload}.${sig.slice(1)}x`,
    );
    expect((await fetch(forged)).status).toBe(404);
  });

  it("forwards voice notes as voice and documents, audio, video and video notes as files", async () => {
    const chat = freshChat();
    const voice = bytesOf(4000, 21);
    const doc = bytesOf(6000, 22);
    stack.fake.putFile(TOKENS[0], "voice-1", voice);
    stack.fake.putFile(TOKENS[0], "doc-1", doc);
    await deliver(
      updates.message(
        { id: chat },
        {
          voice: {
            file_id: "voice-1",
            file_unique_id: "v1",
            duration: 3,
            mime_type: "audio/ogg",
            file_size: voice.length,
          },
        },
      ),
    );
    await deliver(
      updates.message(
        { id: chat },
        {
          caption: "the contract",
          document: {
            file_id: "doc-1",
            file_unique_id: "d1",
            file_name: "Contract №5.pdf",
            mime_type: "application/pdf",
            file_size: doc.length,
          },
        },
      ),
    );
    await deliver(
      updates.message(
        { id: chat },
        { caption: "clip", video: { file_id: "vid-1", file_unique_id: "vi1", width: 1, height: 1, duration: 1 } },
      ),
    );
    await deliver(
      updates.message(
        { id: chat },
        { caption: "song", audio: { file_id: "aud-1", file_unique_id: "au1", duration: 1 } },
      ),
    );
    await deliver(
      updates.message(
        { id: chat },
        { caption: "circle", video_note: { file_id: "vn-1", file_unique_id: "vn1", length: 1, duration: 1 } },
      ),
    );
    await incomingWithText("circle");
    const got = incomingFrom(`tg://user?id=${chat}`).map((r) => r.body.message);
    expect(got.map((m) => [m.content?.text ?? null, m.attachments?.map((a) => `${a.type}:${a.name}`)])).toEqual([
      [null, ["voice:voice_v1.ogg"]],
      ["the contract", ["file:Contract №5.pdf"]],
      ["clip", ["file:video_vi1.mp4"]],
      ["song", ["file:audio_au1.mp3"]],
      ["circle", ["file:video_note_vn1.mp4"]],
    ]);
    const voiceRes = await fetch(got[0]!.attachments![0]!.uri);
    expect(Buffer.compare(Buffer.from(await voiceRes.arrayBuffer()), voice)).toBe(0);
    const docRes = await fetch(got[1]!.attachments![0]!.uri);
    expect(docRes.headers.get("content-type")).toBe("application/pdf");
    expect(docRes.headers.get("content-disposition")).toContain(encodeURIComponent("Contract №5.pdf"));
    expect(docRes.headers.get("x-content-type-options")).toBe("nosniff");
    expect(docRes.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    // A voice note is inert media: it may play in the browser, still nosniff and sandboxed.
    expect(voiceRes.headers.get("content-disposition")).toMatch(/^inline/);
    expect(voiceRes.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.compare(Buffer.from(await docRes.arrayBuffer()), doc)).toBe(0);
  });

  it("turns stickers into images and locations, venues and contacts into readable text", async () => {
    const chat = freshChat();
    await deliver(
      updates.message(
        { id: chat },
        {
          sticker: {
            file_id: "st-1",
            file_unique_id: "st1",
            type: "regular",
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
            emoji: "👍",
          },
        },
      ),
    );
    await deliver(updates.message({ id: chat }, { location: { latitude: 55.75, longitude: 37.61 } }));
    await deliver(
      updates.message(
        { id: chat },
        { contact: { phone_number: "+79001234567", first_name: "Ivan", last_name: "Petrov" } },
      ),
    );
    await incomingWithText("👤 Contact: Ivan Petrov, +79001234567");
    const got = incomingFrom(`tg://user?id=${chat}`).map((r) => r.body.message);
    expect(got[0]).toMatchObject({
      content: { text: "👍" },
      attachments: [{ type: "image", name: "sticker_st1.webp" }],
    });
    expect(got[1]?.content?.text).toBe("📍 Location: https://maps.google.com/?q=55.75,37.61");
  });

  it("mentions files too big for bots to download instead of linking them", async () => {
    const chat = freshChat();
    await deliver(
      updates.message(
        { id: chat },
        { document: { file_id: "huge", file_unique_id: "h", file_name: "movie.mkv", file_size: 30 * 1024 * 1024 } },
      ),
    );
    const got = await stack.crm.waitFor(() => incomingFrom(`tg://user?id=${chat}`)[0], 10_000);
    expect(got.body.message.attachments).toEqual([]);
    expect(got.body.message.content?.text).toContain("movie.mkv: 30.0 MB");
  });

  it("forwards an edited message as a new message marked as an edit", async () => {
    const chat = freshChat();
    await deliver(updates.edited({ id: chat }, 1, { text: "fixed typo" }));
    await incomingWithText("✏️ (edited) fixed typo");
  });

  it("ignores service messages and other chats' joins without an error", async () => {
    const chat = freshChat();
    const res = await stack.fake.deliverUpdate(
      TOKENS[0],
      updates.message({ id: chat }, { new_chat_members: [{ id: 5, is_bot: false, first_name: "X" }] }),
    );
    expect(res.status).toBe(200);
    await deliver(updates.text({ id: chat }, `marker ${chat}`));
    await incomingWithText(`marker ${chat}`);
    expect(incomingFrom(`tg://user?id=${chat}`)).toHaveLength(1);
  });
});

describe("webhook security and delivery", () => {
  it("answers 401 to a missing or wrong secret and forwards nothing", async () => {
    const chat = freshChat();
    const wrong = await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: chat }, "forged 1"), {
      secretToken: "not-the-secret",
    });
    const missing = await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: chat }, "forged 2"), {
      secretToken: null,
    });
    // The other tenant's secret does not open this tenant's webhook either.
    const otherSecret = stack.fake.webhook(TOKENS[1])!.secretToken!;
    const crossed = await stack.fake.deliverUpdate(TOKENS[0], updates.text({ id: chat }, "forged 3"), {
      secretToken: otherSecret,
    });
    expect([wrong.status, missing.status, crossed.status]).toEqual([401, 401, 401]);
    await deliver(updates.text({ id: chat }, `genuine ${chat}`));
    await incomingWithText(`genuine ${chat}`);
    expect(incomingFrom(`tg://user?id=${chat}`).map((r) => r.body.message.content?.text)).toEqual([`genuine ${chat}`]);
  });

  it("answers 404 for an unknown webhook id", async () => {
    const res = await fetch(`${stack.url}telegram/webhook/not-a-tenant`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: "Unknown webhook" });
  });

  it("answers 401 {code, message} while a registered tenant has no bot token yet", async () => {
    const ref = { companyId: "303", pluginAlias: "telegram", pluginId: "3" };
    expect((await stack.crm.register(stack.url, ref)).status).toBe(200);
    const publicId = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref)))!.publicId;
    for (const secretToken of [undefined, "", "anything"]) {
      const res = await fetch(`${stack.url}telegram/webhook/${publicId}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secretToken === undefined ? {} : { "x-telegram-bot-api-secret-token": secretToken }),
        },
        body: JSON.stringify(updates.text({ id: freshChat() }, "to a bot not connected yet")),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 401, message: "Missing or wrong secret token" });
    }
  });

  it("answers 400 to a body that is not JSON", async () => {
    const hook = stack.fake.webhook(TOKENS[0])!;
    const res = await fetch(hook.url, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": hook.secretToken! },
      body: "{not json",
    });
    expect(res.status).toBe(400);
  });

  it("forwards a redelivered update_id once", async () => {
    const chat = freshChat();
    const update = updates.text({ id: chat }, `once ${chat}`);
    await deliver(update);
    await deliver(update);
    await deliver(update);
    await deliver(updates.text({ id: chat }, `after ${chat}`));
    await incomingWithText(`after ${chat}`);
    expect(incomingFrom(`tg://user?id=${chat}`).map((r) => r.body.message.content?.text)).toEqual([
      `once ${chat}`,
      `after ${chat}`,
    ]);
  });

  it("ignores group chats unless allowGroups is on, then uses tg://chat contacts with the sender's name", async () => {
    const group = -freshChat();
    await deliver(updates.text({ id: group, type: "supergroup" }, "in a group, ignored"));
    expect((await stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: true } })).status).toBe(200);
    try {
      await deliver(updates.text({ id: group, type: "supergroup" }, "in a group, wanted"));
      const got = await incomingWithText("Ann Lee (@ann_lee): in a group, wanted");
      expect(got.body.chat.contact).toBe(`tg://chat?id=${group}`);
      expect(incomingFrom(`tg://chat?id=${group}`)).toHaveLength(1);
    } finally {
      expect((await stack.crm.putSettings(stack.url, TENANTS[0], { main: { allowGroups: false } })).status).toBe(200);
    }
  });
});

describe("a bot token replaced while an update is handled", () => {
  /** The request core hands `parse` once the secret was checked. */
  function request(update: Record<string, unknown>): WebhookRequest {
    const body = Buffer.from(JSON.stringify(update));
    return {
      method: "POST",
      url: stack.url,
      publicUrl: stack.url,
      params: {},
      headers: new Headers(),
      body,
      text: () => body.toString("utf8"),
      json: () => JSON.parse(body.toString("utf8")) as unknown,
      form: () => new URLSearchParams(),
    };
  }

  it("ignores an update checked against the previous token, and keys the current bot's by its own id", async () => {
    const webhook = stack.gw.instance.webhooks.update;
    const before = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANTS[0])))!;
    const third = "333333:CCthird-token-for-the-guard";
    stack.fake.addBot(third);
    expect((await stack.crm.putSettings(stack.url, TENANTS[0], { main: { botToken: third } })).status).toBe(200);
    try {
      const update = updates.text({ id: freshChat() }, "for the old bot");
      expect(await webhook.parse(request(update), before)).toEqual({ events: [] });
      const now = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANTS[0])))!;
      const parsed = await webhook.parse(request(update), now);
      expect(parsed.events.map((e) => e.kind === "incoming" && e.externalId)).toEqual([
        `update:333333:${String(update.update_id)}`,
      ]);
    } finally {
      expect((await stack.crm.putSettings(stack.url, TENANTS[0], { main: { botToken: TOKENS[0] } })).status).toBe(200);
    }
  });
});
