/**
 * The sandbox's HTTP API against the real running system (no browser): clear `{code, message}`
 * answers for bad input, failure reasons on the inbox's ticks, files served safely.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../sandbox.js";

let sandbox: Sandbox;
let dataDir: string;
const url = (path: string) => `http://127.0.0.1:${sandbox.port}/${path}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "sandbox-api-"));
  sandbox = await startSandbox(
    { port: 0, gatewayPorts: new Map(), dataDir, logLevel: "error" },
    { inherited: process.env },
  );
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const form = (fields: Record<string, string | Blob>) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
};
const post = (path: string, body: FormData | object) =>
  fetch(
    url(path),
    body instanceof FormData
      ? { method: "POST", body }
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
  );
/** Polls the sandbox over HTTP until a condition holds (generous for a loaded CI machine). */
const until = <T>(predicate: () => T | Promise<T>) => waitFor(predicate, { timeoutMs: 20_000, intervalMs: 50 });
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

async function conversationOf(contact: string): Promise<any> {
  return until(async () =>
    ((await (await fetch(url("api/conversations"))).json()) as any[]).find((c) => c.contact === contact),
  );
}

async function messagesOf(id: string): Promise<any[]> {
  return ((await (await fetch(url(`api/conversations/${id}`))).json()) as any).messages;
}

describe("sandbox API", { timeout: 60_000 }, () => {
  it("answers bad input with {code, message} and the right status", async () => {
    expect(await json(await post("api/telegram/send", form({ user: "abc", text: "hi" })))).toEqual({
      status: 400,
      body: { code: 400, message: expect.stringContaining("user") },
    });
    expect((await json(await post("api/sms/send", form({ phone: "12345", text: "hi" })))).body.message).toMatch(
      /international form/,
    );
    expect((await json(await post("api/email/send", form({ address: "cleo@customer.test" })))).status).toBe(400);
    expect(await json(await post("api/conversations/nope/messages", { text: "x" }))).toEqual({
      status: 404,
      body: { code: 404, message: "No such conversation" },
    });
    expect((await json(await post("api/conversations", { channel: "fax", contact: "1" }))).status).toBe(400);
    expect((await json(await fetch(url("api/conversations"), { method: "POST", body: "{not json" }))).status).toBe(400);
    expect((await json(await post("api/sms/messages/SMnope/status", { status: "delivered" }))).status).toBe(404);
    expect((await json(await fetch(url("no/such/page")))).body.code).toBe(404);
  });

  it("refuses an empty answer, an unknown upload and a wrong format before anything is sent", async () => {
    expect((await post("api/telegram/send", form({ user: "6000001", name: "Dee", text: "hello" }))).status).toBe(201);
    const chat = await conversationOf("tg://user?id=6000001");
    expect((await json(await post(`api/conversations/${chat.id}/messages`, { text: "  " }))).body.message).toMatch(
      /Write a text/,
    );
    expect(
      (await json(await post(`api/conversations/${chat.id}/messages`, { text: "x", files: ["unknown"] }))).body.message,
    ).toMatch(/upload/);
    expect((await json(await post(`api/conversations/${chat.id}/messages`, { text: "x", format: "rtf" }))).status).toBe(
      400,
    );
    expect((await messagesOf(chat.id)).filter((m) => m.direction === "out")).toEqual([]);
  });

  it("shows why a message failed: the gateway's own reason, or the carrier's failure the customer played", async () => {
    // A number the gateway refuses: the reason comes from the gateway's log line.
    expect((await post("api/sms/send", form({ phone: "+15550001111", text: "from a fictional number" }))).status).toBe(
      201,
    );
    const fictional = await conversationOf("+15550001111");
    await post(`api/conversations/${fictional.id}/messages`, { text: "answer" });
    const refused = await until(async () =>
      (await messagesOf(fictional.id)).find((m) => m.direction === "out" && m.status === "error"),
    );
    expect(refused).toMatchObject({ status: "error", reason: expect.stringContaining("not a valid phone number") });

    // A real-looking number: the customer's phone marks the text failed; Twilio calls the gateway back.
    expect((await post("api/sms/send", form({ phone: "+14155550199", text: "hello" }))).status).toBe(201);
    const chat = await conversationOf("+14155550199");
    await post(`api/conversations/${chat.id}/messages`, { text: "we will call you" });
    const thread = await until(async () => {
      const data = (await (await fetch(url("api/sms/thread?phone=%2B14155550199"))).json()) as any;
      return data.messages.find((m: any) => m.from === "company");
    });
    expect((await post(`api/sms/messages/${thread.id}/status`, { status: "failed" })).status).toBe(204);
    const failed = await until(async () =>
      (await messagesOf(chat.id)).find((m) => m.direction === "out" && m.status === "error"),
    );
    expect(failed.reason).toMatch(/30003/);
  });

  it("bounces the company's mail on the customer's word: a DSN reaches the gateway and the inbox shows the 550", async () => {
    const sent = await post(
      "api/email/send",
      form({ address: "gone@customer.test", name: "Gone", subject: "Hello", text: "hi" }),
    );
    expect(sent.status).toBe(201);
    const chat = await conversationOf("gone@customer.test");
    await post(`api/conversations/${chat.id}/messages`, { text: "welcome" });
    const mail = await until(async () => {
      const box = (await (await fetch(url("api/email/mailbox?address=gone@customer.test"))).json()) as any;
      return box.threads[0]?.mails.find((m: any) => m.from === "company");
    });
    await until(async () => (await messagesOf(chat.id)).some((m) => m.status === "sent"));
    expect((await post(`api/email/mails/${encodeURIComponent(mail.id)}/delivery`, { status: "failed" })).status).toBe(
      204,
    );
    const failed = await until(async () =>
      (await messagesOf(chat.id)).find((m) => m.direction === "out" && m.status === "error"),
    );
    expect(failed.reason).toMatch(/550 5\.1\.1/);
    expect(
      (await json(await post(`api/email/mails/${encodeURIComponent(mail.id)}/delivery`, { status: "delivered" })))
        .status,
    ).toBe(409);
  });

  it("lets the CRM write first: a new chat's message reaches the Telegram user", async () => {
    const created = await json(
      await post("api/conversations", { channel: "telegram", contact: "tg://user?id=6000002" }),
    );
    expect(created.status).toBe(201);
    expect(
      (await post(`api/conversations/${created.body.id}/messages`, { text: "Your order is ready", format: "text" }))
        .status,
    ).toBe(202);
    const chat = await until(async () => {
      const data = (await (await fetch(url("api/telegram/chat?user=6000002"))).json()) as any;
      return data.messages.find((m: any) => m.from === "bot");
    });
    expect(chat.text).toBe("Your order is ready");
    await until(async () => (await messagesOf(created.body.id)).some((m) => m.status === "sent"));
  });

  it("serves uploads for the gateways, and only media inline", async () => {
    const page = new Blob(["<script>alert(1)</script>"], { type: "text/html" });
    const upload = (
      await json(await post("api/uploads", form({ file: new File([page], "x.html", { type: "text/html" }) })))
    ).body;
    const res = await fetch(url(`files/${upload.id}/x.html`));
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(await res.text()).toBe("<script>alert(1)</script>");
    expect((await fetch(url("files/unknown/x.png"))).status).toBe(404);
    expect((await json(await post("api/uploads", form({})))).status).toBe(400);
  });
});
