import type { SendBody } from "@switchboard/testkit";
import { parseTelegramHtml, type FakeSentMessage } from "@switchboard/testkit/telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesOf } from "@switchboard/testkit";
import { freshChat, nextId, startTelegramStack, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;

beforeAll(async () => {
  stack = await startTelegramStack();
});
afterAll(() => stack.close());

function body(
  contact: string,
  content: SendBody["message"]["content"],
  attachments: SendBody["message"]["attachments"] = [],
) {
  const id = nextId();
  return {
    id,
    body: { chat: { id: null, contact, subject: null }, message: { id, content, attachments } } satisfies SendBody,
  };
}

function sentTo(chatId: number | string): FakeSentMessage[] {
  return stack.fake.messages.filter((m) => m.token === TOKENS[0] && m.chatId === String(chatId));
}

async function sendAndWait(
  contact: string,
  content: SendBody["message"]["content"],
  attachments: SendBody["message"]["attachments"] = [],
  status: "sent" | "error" = "sent",
) {
  const msg = body(contact, content, attachments);
  await stack.send(0, msg.body);
  await stack.waitStatus(msg.id, status);
  return msg.id;
}

describe("sending text", () => {
  it("accepts every contact form", async () => {
    const user = freshChat();
    await sendAndWait(`tg://user?id=${user}`, { text: "one", format: "text" });
    await sendAndWait(`tg://chat?id=-${user}`, { text: "two", format: "text" });
    await sendAndWait(String(user), { text: "three", format: "text" });
    await sendAndWait("@acme_news", { text: "four", format: "text" });
    expect(sentTo(user).map((m) => m.text)).toEqual(["one", "three"]);
    expect(sentTo(-user).map((m) => m.text)).toEqual(["two"]);
    expect(sentTo("@acme_news").map((m) => m.text)).toEqual(["four"]);
  });

  it("fails a contact that is not a Telegram chat with an error status and no API call", async () => {
    const calls = stack.fake.calls.length;
    for (const contact of ["https://t.me/someone", "tg://user?id=-5", "+15551234567", "@ab"]) {
      await sendAndWait(contact, { text: "x", format: "text" }, [], "error");
    }
    expect(stack.fake.calls.slice(calls).filter((c) => c.method.startsWith("send"))).toEqual([]);
  });

  it("sends every format so that nasty characters survive", async () => {
    const chat = freshChat();
    const contact = `tg://user?id=${chat}`;
    const nasty = "5 < 6 & 7 > 3, a*b*c, snake_case_name, <b>not a tag</b> &amp;";
    await sendAndWait(contact, { text: nasty, format: "text" });
    await sendAndWait(contact, {
      text: `**Hi** ${nasty.replace("<b>not a tag</b> ", "")} \`x<y>\``,
      format: "markdown",
    });
    await sendAndWait(contact, {
      text: `<p>Hi <b>you</b> &amp; 5 &lt; 6 <font color=red>red</font> a*b_c</p><script>x()</script>`,
      format: "html",
    });
    const [text, markdown, html] = sentTo(chat);
    expect(text).toMatchObject({ parseMode: undefined, text: nasty });
    expect(markdown?.parseMode).toBe("HTML");
    expect(markdown?.raw).toBe(
      "<b>Hi</b> 5 &lt; 6 &amp; 7 &gt; 3, a<i>b</i>c, snake_case_name, &amp; <code>x&lt;y&gt;</code>",
    );
    expect(html).toMatchObject({
      parseMode: "HTML",
      text: "Hi you & 5 < 6 red a*b_c",
      raw: "Hi <b>you</b> &amp; 5 &lt; 6 red a*b_c",
    });
  });

  it("sends mailto: and tel: links as plain addresses (Telegram would make them http://mailto:… links)", async () => {
    const chat = freshChat();
    const contact = `tg://user?id=${chat}`;
    await sendAndWait(contact, {
      text: "[mail me](mailto:sales@shop.test?subject=Order) or <sales@shop.test>, [web](https://shop.test/)",
      format: "markdown",
    });
    await sendAndWait(contact, {
      text: '<a href="tel:+1%20555%200100">call us</a>, <a href="tel:+15550100">+1 555 0100</a>, <a href="MAILTO:a@b.c">a@b.c</a>',
      format: "html",
    });
    const [markdown, html] = sentTo(chat);
    expect(markdown?.text).toBe("mail me (sales@shop.test) or sales@shop.test, web");
    expect(markdown?.links).toEqual([{ text: "web", url: "https://shop.test/" }]);
    expect(html?.text).toBe("call us (+1 555 0100), +1 555 0100, a@b.c");
    expect(html?.links).toEqual([]);
  });

  it("splits a 10 000-character message into parts of at most 4096, on paragraph boundaries", async () => {
    const chat = freshChat();
    const paragraphs = Array.from({ length: 10 }, (_, i) => `**Part ${i}** ` + `word & <more> `.repeat(75).trim());
    const markdown = paragraphs.join("\n\n");
    expect(markdown.length).toBeGreaterThan(10_000);
    await sendAndWait(`tg://user?id=${chat}`, { text: markdown, format: "markdown" });
    const parts = sentTo(chat);
    // Paragraphs are ~1060 characters: three fit in a part, a fourth would not.
    expect(parts.map((p) => p.text!.split("\n\n").length)).toEqual([3, 3, 3, 1]);
    for (const part of parts) {
      expect(part.text!.length).toBeLessThanOrEqual(4096);
      expect(parseTelegramHtml(part.raw!).ok).toBe(true);
      expect(part.text).toMatch(/^Part \d /);
    }
    expect(parts.map((p) => p.text).join("\n\n")).toBe(paragraphs.map((p) => p.replace(/\*\*/g, "")).join("\n\n"));
  });
});

describe("sending attachments", () => {
  it("sends an image as a photo with the text as its caption, byte for byte", async () => {
    const chat = freshChat();
    const bytes = bytesOf(70_000, 3);
    const uri = stack.files.put("cat.jpg", bytes, "image/jpeg");
    await sendAndWait(`tg://user?id=${chat}`, { text: "Your **cat**", format: "markdown" }, [
      { name: "cat.jpg", uri, type: "image" },
    ]);
    const [photo, ...rest] = sentTo(chat);
    expect(rest).toEqual([]);
    expect(photo).toMatchObject({ method: "sendPhoto", raw: "Your <b>cat</b>", parseMode: "HTML" });
    expect(photo?.file?.fileName).toBe("cat.jpg");
    expect(Buffer.compare(photo!.file!.bytes!, bytes)).toBe(0);
  });

  it("sends a voice note with sendVoice and a file with sendDocument", async () => {
    const chat = freshChat();
    const voice = bytesOf(5000, 4);
    const pdf = bytesOf(9000, 5);
    await sendAndWait(`tg://user?id=${chat}`, null, [
      { name: "note.ogg", uri: stack.files.put("note.ogg", voice), type: "voice" },
      { name: 'Invoice "March"; final.pdf', uri: stack.files.put("invoice.pdf", pdf), type: "file" },
    ]);
    const [v, d] = sentTo(chat);
    expect(v).toMatchObject({ method: "sendVoice", raw: undefined });
    expect(Buffer.compare(v!.file!.bytes!, voice)).toBe(0);
    expect(d).toMatchObject({ method: "sendDocument" });
    expect(d?.file?.fileName).toBe("Invoice _March_ final.pdf");
    expect(Buffer.compare(d!.file!.bytes!, pdf)).toBe(0);
  });

  it("sends several images as one album with the caption on the first, 10 per album", async () => {
    const chat = freshChat();
    const images = Array.from({ length: 12 }, (_, i) => {
      const name = `img${i}-${chat}.png`;
      return { name, uri: stack.files.put(name, bytesOf(1000 + i, i)), type: "image" };
    });
    await sendAndWait(`tg://user?id=${chat}`, { text: "Twelve pictures", format: "text" }, images);
    const sent = sentTo(chat);
    expect(sent.map((m) => m.method)).toEqual([
      ...Array(10).fill("sendMediaGroup"),
      "sendMediaGroup",
      "sendMediaGroup",
    ]);
    const groups = new Set(sent.map((m) => m.mediaGroupId));
    expect(groups.size).toBe(2);
    expect(sent.filter((m) => m.mediaGroupId === sent[0]?.mediaGroupId)).toHaveLength(10);
    expect(sent.map((m) => m.text)).toEqual(["Twelve pictures", ...Array(11).fill(undefined)]);
    sent.forEach((m, i) => expect(Buffer.compare(m.file!.bytes!, bytesOf(1000 + i, i))).toBe(0));
  });

  it("sends a text too long for a caption as its own message before the files", async () => {
    const chat = freshChat();
    const long = "Long caption. ".repeat(100);
    await sendAndWait(`tg://user?id=${chat}`, { text: long, format: "text" }, [
      { name: "a.jpg", uri: stack.files.put(`a-${chat}.jpg`, bytesOf(100)), type: "image" },
    ]);
    const sent = sentTo(chat);
    expect(sent.map((m) => [m.method, m.text?.length])).toEqual([
      ["sendMessage", long.trim().length],
      ["sendPhoto", undefined],
    ]);
  });

  it("fails an attachment that cannot be downloaded with an error status", async () => {
    const chat = freshChat();
    await sendAndWait(
      `tg://user?id=${chat}`,
      { text: "see file", format: "text" },
      [{ name: "x.pdf", uri: stack.files.put("gone", bytesOf(1)).replace("gone", "missing"), type: "file" }],
      "error",
    );
    expect(sentTo(chat)).toEqual([]);
  });
});

describe("errors", () => {
  it("waits retry_after on 429, then sends once", async () => {
    const chat = freshChat();
    stack.fake.failNext(
      "sendMessage",
      { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } },
      { chatId: chat },
    );
    const id = await sendAndWait(`tg://user?id=${chat}`, { text: "patient", format: "text" });
    const calls = stack.fake.calls.filter(
      (c) => c.method === "sendMessage" && String(c.params.chat_id) === String(chat),
    );
    expect(calls.map((c) => c.ok)).toEqual([false, true]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(stack.crm.statusesOf(id)).toEqual(["sent"]);
  });

  it("retries 5xx and resumes a multi-part message where it failed", async () => {
    const chat = freshChat();
    stack.fake.failNext("sendPhoto", { error_code: 502, description: "Bad Gateway" }, { chatId: chat });
    await sendAndWait(`tg://user?id=${chat}`, { text: "caption ".repeat(200), format: "text" }, [
      { name: "p.jpg", uri: stack.files.put(`p-${chat}.jpg`, bytesOf(50)), type: "image" },
    ]);
    const calls = stack.fake.calls.filter((c) => String(c.params.chat_id) === String(chat));
    expect(calls.map((c) => [c.method, c.ok])).toEqual([
      ["sendMessage", true],
      ["sendPhoto", false],
      ["sendPhoto", true],
    ]);
  });

  it("reports error at once, without retrying, when the user blocked the bot (403)", async () => {
    const chat = freshChat();
    stack.fake.failNext(
      "sendMessage",
      { error_code: 403, description: "Forbidden: bot was blocked by the user" },
      { chatId: chat, times: 5 },
    );
    const id = await sendAndWait(`tg://user?id=${chat}`, { text: "hello?", format: "text" }, [], "error");
    expect(stack.fake.calls.filter((c) => String(c.params.chat_id) === String(chat))).toHaveLength(1);
    expect(stack.crm.statusesOf(id)).toEqual(["error"]);
    // The reason stored with the error says which channel refused, in the app's one prefix.
    const row = stack.gw.runtime.db.$client.prepare("SELECT last_error FROM outgoing WHERE crm_message_id = ?").get(id);
    expect((row as { last_error: string }).last_error).toBe(
      "ChannelRefusedError: Telegram: sendMessage refused (403: Forbidden: bot was blocked by the user); the user blocked the bot or the bot was removed from the chat",
    );
  });

  it("reports error at once for a chat Telegram does not know (400 chat not found)", async () => {
    const chat = freshChat();
    stack.fake.failNext(
      "sendMessage",
      { error_code: 400, description: "Bad Request: chat not found" },
      { chatId: chat, times: 5 },
    );
    await sendAndWait(`tg://user?id=${chat}`, { text: "anyone?", format: "text" }, [], "error");
    expect(stack.fake.calls.filter((c) => String(c.params.chat_id) === String(chat))).toHaveLength(1);
  });

  it("follows a group that became a supergroup (migrate_to_chat_id), now and for later messages", async () => {
    const old = -freshChat();
    const next = -1_000_000_000_000 + old;
    stack.fake.failNext(
      "sendMessage",
      {
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: next },
      },
      { chatId: old },
    );
    const id = await sendAndWait(`tg://chat?id=${old}`, { text: "moved?", format: "text" });
    await sendAndWait(`tg://chat?id=${old}`, { text: "still here", format: "text" });
    expect(sentTo(old)).toEqual([]);
    expect(sentTo(next).map((m) => m.text)).toEqual(["moved?", "still here"]);
    expect(stack.crm.statusesOf(id)).toEqual(["sent"]);
    expect(stack.fake.calls.filter((c) => String(c.params.chat_id) === String(old))).toHaveLength(1);
  });

  it("sends nothing and reports error when the bot token was revoked", async () => {
    const chat = freshChat();
    stack.fake.removeBot(TOKENS[1]);
    try {
      const msg = body(`tg://user?id=${chat}`, { text: "revoked", format: "text" });
      await stack.send(1, msg.body);
      await stack.waitStatus(msg.id, "error");
    } finally {
      stack.fake.addBot(TOKENS[1]);
    }
  });
});
