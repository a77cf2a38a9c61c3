import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, UpdateBuilder, type FakeTelegram } from "./index.js";

const TOKEN = "123456:AAtest-token";

let fake: FakeTelegram;

async function call(method: string, body: Record<string, unknown>, token = TOKEN) {
  const res = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** A multipart body written the way grammY writes it (lower-case headers, unquoted filename). */
function grammyMultipart(fields: Record<string, string>, files: Record<string, { name: string; bytes: Buffer }>) {
  const boundary = "----------testboundary";
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition:form-data;name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const [k, f] of Object.entries(files)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition:form-data;name="${k}";filename=${f.name}\r\ncontent-type:application/octet-stream\r\n\r\n`,
      ),
      f.bytes,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

beforeAll(async () => {
  fake = await startFakeTelegram();
  fake.addBot(TOKEN, { username: "acme_bot" });
});
afterAll(() => fake.close());

describe("fake Bot API", () => {
  it("edits and deletes the bot's own messages with the Bot API's refusals", async () => {
    const sent = (await call("sendMessage", { chat_id: 77, text: "<b>first</b>", parse_mode: "HTML" })).json.result;
    const edited = await call("editMessageText", { chat_id: 77, message_id: sent.message_id, text: "second" });
    expect(edited.json.result).toMatchObject({ message_id: sent.message_id, text: "second", chat: { id: 77 } });
    expect(edited.json.result.edit_date).toEqual(expect.any(Number));
    const stored = fake.messages.find((m) => m.chatId === "77" && m.messageId === sent.message_id)!;
    expect(stored).toMatchObject({ text: "second", raw: "second", edits: 1 });
    // The same content again: 400 "message is not modified".
    const same = await call("editMessageText", { chat_id: 77, message_id: sent.message_id, text: "second" });
    expect(same.status).toBe(400);
    expect(same.json.description).toMatch(/^Bad Request: message is not modified/);
    expect((await call("editMessageText", { chat_id: 77, message_id: 9999, text: "x" })).json.description).toBe(
      "Bad Request: message to edit not found",
    );
    expect(
      (await call("editMessageCaption", { chat_id: 77, message_id: sent.message_id, caption: "x" })).json.description,
    ).toBe("Bad Request: there is no caption in the message to edit");
    expect((await call("deleteMessage", { chat_id: 77, message_id: sent.message_id })).json).toEqual({
      ok: true,
      result: true,
    });
    expect(stored.deleted).toBe(true);
    expect((await call("deleteMessage", { chat_id: 77, message_id: sent.message_id })).json.description).toBe(
      "Bad Request: message to delete not found",
    );
    expect(
      (await call("editMessageText", { chat_id: 77, message_id: sent.message_id, text: "y" })).json.description,
    ).toBe("Bad Request: message to edit not found");
  });

  it("answers getMe for known tokens and 401 for unknown ones", async () => {
    expect((await call("getMe", {})).json.result.username).toBe("acme_bot");
    const bad = await call("getMe", {}, "999:nope");
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ ok: false, error_code: 401, description: "Unauthorized" });
  });

  it("reads form-urlencoded and query parameters, and records every call with its token", async () => {
    const form = await fetch(`${fake.url}/bot${TOKEN}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ chat_id: "31", text: "<b>form</b> &amp; co", parse_mode: "HTML" }),
    });
    expect(((await form.json()) as any).result.text).toBe("form & co");
    const query = await fetch(`${fake.url}/bot${TOKEN}/sendMessage?chat_id=32&text=${encodeURIComponent("by query")}`);
    expect(((await query.json()) as any).result.chat).toMatchObject({ id: 32, type: "private" });
    expect(fake.calls.slice(-2).map((c) => [c.token, c.method, String(c.params.chat_id), c.ok])).toEqual([
      [TOKEN, "sendMessage", "31", true],
      [TOKEN, "sendMessage", "32", true],
    ]);
    const unknown = await call("sendSticker", { chat_id: 1 });
    expect(unknown.status).toBe(404);
  });

  it("rejects HTML that Telegram could not parse", async () => {
    const cases = [
      "a < b",
      "fish & chips",
      "<b>open",
      "<b><i>x</b></i>",
      "<div>x</div>",
      "</b>",
      "<code><b>x</b></code>",
    ];
    for (const text of cases) {
      const res = await call("sendMessage", { chat_id: 5, text, parse_mode: "HTML" });
      expect(res.status, text).toBe(400);
      expect(res.json.description, text).toContain("can't parse entities");
    }
    const good = await call("sendMessage", {
      chat_id: 5,
      text: '<b>bold &amp; <i>it</i></b> &lt;tag&gt; &#128512; <a href="https://x.test/?a=1&amp;b=2">l</a> <pre><code class="language-js">x</code></pre>',
      parse_mode: "HTML",
    });
    expect(good.status).toBe(200);
    expect(good.json.result.text).toBe("bold & it <tag> 😀 l x");
  });

  it("records links with the URL Telegram makes of them: other schemes become broken http links", async () => {
    const text =
      '<a href="https://x.test/?a=1&amp;b=2">web</a> <a href="mailto:a@b.c">mail</a> <a href=\'tel:+123\'>call</a>';
    expect((await call("sendMessage", { chat_id: 6, text, parse_mode: "HTML" })).status).toBe(200);
    expect(fake.messages.at(-1)?.links).toEqual([
      { text: "web", url: "https://x.test/?a=1&b=2" },
      { text: "mail", url: "http://mailto:a@b.c/" },
      { text: "call", url: "http://tel:+123/" },
    ]);
  });

  it("counts the 4096 limit after parsing", async () => {
    const exact = `<b>${"x".repeat(4096)}</b>`;
    expect((await call("sendMessage", { chat_id: 5, text: exact, parse_mode: "HTML" })).status).toBe(200);
    const over = await call("sendMessage", { chat_id: 5, text: "x".repeat(4097) });
    expect(over.json.description).toBe("Bad Request: message is too long");
    const empty = await call("sendMessage", { chat_id: 5, text: "<b> </b>", parse_mode: "HTML" });
    expect(empty.json.description).toBe("Bad Request: message text is empty");
  });

  it("takes grammY-style multipart uploads and serves them back through getFile", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 13, 10, 255]);
    const mp = grammyMultipart(
      { chat_id: "77", caption: "<i>pic</i>", parse_mode: "HTML", photo: "attach://abc" },
      { abc: { name: "my photo.jpg", bytes } },
    );
    const res = await fetch(`${fake.url}/bot${TOKEN}/sendPhoto`, {
      method: "POST",
      headers: { "content-type": mp.type },
      body: mp.body,
    });
    const json = (await res.json()) as any;
    expect(json.ok).toBe(true);
    const sent = fake.messages.at(-1)!;
    expect(sent).toMatchObject({ method: "sendPhoto", chatId: "77", text: "pic" });
    expect(sent.file?.fileName).toBe("my photo.jpg");
    expect(Buffer.compare(sent.file!.bytes!, bytes)).toBe(0);
    const file = await call("getFile", { file_id: json.result.photo[0].file_id });
    const download = await fetch(`${fake.url}/file/bot${TOKEN}/${file.json.result.file_path}`);
    expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), bytes)).toBe(0);
  });

  it("checks media groups: 2-10 items of one family, captions within 1024", async () => {
    const one = await call("sendMediaGroup", { chat_id: 1, media: [{ type: "photo", media: "https://x.test/a.jpg" }] });
    expect(one.status).toBe(400);
    const mixed = await call("sendMediaGroup", {
      chat_id: 1,
      media: [
        { type: "photo", media: "https://x.test/a.jpg" },
        { type: "document", media: "https://x.test/a.pdf" },
      ],
    });
    expect(mixed.status).toBe(400);
    // Names of Object's properties are no media types (the table was a plain object).
    const inherited = await call("sendMediaGroup", {
      chat_id: 1,
      media: [
        { type: "constructor", media: "https://x.test/a.jpg" },
        { type: "constructor", media: "https://x.test/b.jpg" },
      ],
    });
    expect(inherited.json.description).toBe("Bad Request: unsupported media type in the media group");
    const long = await call("sendMediaGroup", {
      chat_id: 1,
      media: [
        { type: "photo", media: "https://x.test/a.jpg", caption: "y".repeat(1025) },
        { type: "photo", media: "https://x.test/b.jpg" },
      ],
    });
    expect(long.json.description).toBe("Bad Request: message caption is too long");
    const good = await call("sendMediaGroup", {
      chat_id: 1,
      media: [
        { type: "photo", media: "https://x.test/a.jpg", caption: "two" },
        { type: "photo", media: "https://x.test/b.jpg" },
      ],
    });
    expect(good.json.result).toHaveLength(2);
    expect(good.json.result[0].media_group_id).toBe(good.json.result[1].media_group_id);
  });

  it("plays scripted failures once, for the matching chat only", async () => {
    fake.failNext(
      "sendMessage",
      { error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } },
      { chatId: 9 },
    );
    expect((await call("sendMessage", { chat_id: 8, text: "other chat" })).status).toBe(200);
    const limited = await call("sendMessage", { chat_id: 9, text: "hi" });
    expect(limited.status).toBe(429);
    expect(limited.json.parameters).toEqual({ retry_after: 3 });
    expect((await call("sendMessage", { chat_id: 9, text: "hi" })).status).toBe(200);
  });

  it("lets `after` matching calls through before a scripted failure", async () => {
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, { chatId: 10, after: 2, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await call("sendMessage", { chat_id: 10, text: `part ${i}` })).status);
    expect(statuses).toEqual([200, 200, 502, 502, 200]);
  });

  it("delivers updates to the webhook with its secret and reports failures in getWebhookInfo", async () => {
    const received: Array<{ secret: string | undefined; body: unknown }> = [];
    const hook = new Hono().post("/hook", async (c) => {
      const secret = c.req.header("x-telegram-bot-api-secret-token");
      if (secret !== "s3cret") return c.body(null, 401);
      received.push({ secret, body: await c.req.json() });
      return c.body(null, 200);
    });
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: hook.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const bad = await call("setWebhook", { url, secret_token: "has space" });
      expect(bad.status).toBe(400);
      expect(
        (await call("setWebhook", { url, secret_token: "s3cret", allowed_updates: ["message"] })).json.result,
      ).toBe(true);
      const updates = new UpdateBuilder();
      const update = updates.text({ id: 77 }, "hello");
      expect((await fake.deliverUpdate(TOKEN, update)).status).toBe(200);
      expect(received).toEqual([{ secret: "s3cret", body: update }]);
      expect((await fake.deliverUpdate(TOKEN, updates.text({ id: 77 }, "x"), { secretToken: "wrong" })).status).toBe(
        401,
      );
      const info = (await call("getWebhookInfo", {})).json.result;
      expect(info).toMatchObject({ url, pending_update_count: 1, allowed_updates: ["message"] });
      expect(info.last_error_message).toContain("401");
    } finally {
      server.close();
    }
  });
});
