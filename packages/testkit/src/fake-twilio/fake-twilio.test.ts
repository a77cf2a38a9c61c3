import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTwilio, twilioSignature, type FakeTwilio } from "./index.js";

const basic = (user: string, pass: string) => "Basic " + Buffer.from(`${user}:${pass}`).toString("base64");

describe("fake Twilio", () => {
  let fake: FakeTwilio;
  let sid: string;
  let token: string;
  beforeAll(async () => {
    fake = await startFakeTwilio();
    ({ sid, authToken: token } = fake.addAccount());
  });
  afterAll(() => fake.close());

  const post = (path: string, form: Record<string, string | string[]>, auth = basic(sid, token)) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
    return fetch(fake.url + path, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
  };

  it("answers 401 code 20003 to wrong credentials and records the request", async () => {
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${sid}.json`, {
      headers: { Authorization: basic(sid, "nope") },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
    expect(fake.requests.at(-1)).toMatchObject({ authenticated: false, status: 401, target: "accounts" });
  });

  it("serves the account to its own credentials only", async () => {
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${sid}.json`, {
      headers: { Authorization: basic(sid, token) },
    });
    expect(await res.json()).toMatchObject({ sid, status: "active" });
    const other = fake.addAccount();
    const cross = await fetch(`${fake.url}/2010-04-01/Accounts/${other.sid}.json`, {
      headers: { Authorization: basic(sid, token) },
    });
    expect(cross.status).toBe(404);
  });

  it("creates messages with segments and repeated MediaUrl", async () => {
    const res = await post(`/2010-04-01/Accounts/${sid}/Messages.json`, {
      To: "+14155550100",
      From: "+14155550199",
      Body: "x".repeat(161),
      MediaUrl: ["https://a.test/1.png", "https://a.test/2.png"],
    });
    expect(res.status).toBe(201);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ status: "queued", num_segments: "2", num_media: "2" });
    expect(String(json.sid)).toMatch(/^MM[0-9a-f]{32}$/);
    expect(fake.messageCreates().at(-1)?.form.getAll("MediaUrl")).toEqual([
      "https://a.test/1.png",
      "https://a.test/2.png",
    ]);
  });

  it("refuses an invalid To with 21211", async () => {
    const res = await post(`/2010-04-01/Accounts/${sid}/Messages.json`, { To: "12", From: "+14155550199", Body: "hi" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 21211 });
  });

  it("plays scripted failures once, with Retry-After", async () => {
    fake.failNext({ status: 429, code: 20429, message: "Too Many Requests", retryAfterSeconds: 3 });
    const form = { To: "+14155550100", From: "+14155550199", Body: "hi" };
    const first = await post(`/2010-04-01/Accounts/${sid}/Messages.json`, form);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    const second = await post(`/2010-04-01/Accounts/${sid}/Messages.json`, form);
    expect(second.status).toBe(201);
  });

  it("lets `skip` matching requests through before failing", async () => {
    fake.failNext({ status: 500, code: 20500, skip: 1 });
    const form = { To: "+14155550100", From: "+14155550199", Body: "hi" };
    expect((await post(`/2010-04-01/Accounts/${sid}/Messages.json`, form)).status).toBe(201);
    expect((await post(`/2010-04-01/Accounts/${sid}/Messages.json`, form)).status).toBe(500);
    expect((await post(`/2010-04-01/Accounts/${sid}/Messages.json`, form)).status).toBe(201);
  });

  it("drops the connection for a network failure", async () => {
    fake.failNext({ network: true });
    await expect(
      post(`/2010-04-01/Accounts/${sid}/Messages.json`, { To: "+14155550100", From: "+1415555019", Body: "x" }),
    ).rejects.toThrow();
    expect(fake.messageCreates().at(-1)?.status).toBe(0);
  });

  it("lists numbers by PhoneNumber and updates their SmsUrl", async () => {
    const number = fake.addPhoneNumber(sid, "+14155550123");
    const list = await fetch(
      `${fake.url}/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550123`,
      {
        headers: { Authorization: basic(sid, token) },
      },
    );
    const page = (await list.json()) as { incoming_phone_numbers: Array<{ sid: string }> };
    expect(page.incoming_phone_numbers.map((n) => n.sid)).toEqual([number.sid]);
    await post(`/2010-04-01/Accounts/${sid}/IncomingPhoneNumbers/${number.sid}.json`, {
      SmsUrl: "https://gw.test/in",
      SmsMethod: "POST",
    });
    expect(number.smsUrl).toBe("https://gw.test/in");
  });

  it("serves inbound media behind basic auth, and scripted 404s first", async () => {
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const params = fake.inboundParams({
      accountSid: sid,
      from: "+14155550100",
      to: "+14155550123",
      media: [{ contentType: "image/png", data }],
    });
    const url = String(params.MediaUrl0);
    expect(url.startsWith(fake.url)).toBe(true);
    expect((await fetch(url)).status).toBe(401);
    fake.failNext({ status: 404, code: 20404, on: "media" });
    expect((await fetch(url, { headers: { Authorization: basic(sid, token) } })).status).toBe(404);
    const ok = await fetch(url, { headers: { Authorization: basic(sid, token) } });
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(data);
  });

  it("serves media chunked, without Content-Length, when asked", async () => {
    const data = new Uint8Array(Array.from({ length: 3000 }, (_, i) => i % 256));
    const params = fake.inboundParams({
      accountSid: sid,
      from: "+14155550100",
      to: "+14155550123",
      media: [{ contentType: "image/jpeg", data, chunked: true }],
    });
    const res = await fetch(String(params.MediaUrl0), { headers: { Authorization: basic(sid, token) } });
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(data);
  });

  it("signs like Twilio: HMAC-SHA1 over URL + sorted name/value pairs", () => {
    const url = "https://example.test/hook?x=1";
    const params = { b: "2", a: "1", c: ["z", "y"] };
    const expected = createHmac("sha1", "tok").update(`${url}a1b2cycz`).digest("base64");
    expect(twilioSignature("tok", url, params)).toBe(expected);
  });

  it("posts signed webhooks and status callbacks", async () => {
    const received: Array<{ sig: string | null; body: string }> = [];
    const { serve } = await import("@hono/node-server");
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (req) => {
        received.push({ sig: req.headers.get("x-twilio-signature"), body: await req.text() });
        return new Response("<Response></Response>", { headers: { "Content-Type": "text/xml" } });
      },
    });
    await new Promise((r) => server.once("listening", r));
    const hook = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    try {
      const res = await post(`/2010-04-01/Accounts/${sid}/Messages.json`, {
        To: "+14155550100",
        From: "+14155550199",
        Body: "hi",
        StatusCallback: hook,
      });
      const { sid: messageSid } = (await res.json()) as { sid: string };
      await fake.deliver(messageSid, "delivered");
      const form = Object.fromEntries(new URLSearchParams(received[0]?.body));
      expect(form).toMatchObject({ MessageSid: messageSid, MessageStatus: "delivered", AccountSid: sid });
      expect(received[0]?.sig).toBe(twilioSignature(token, hook, form));
      await fake.sendInbound(hook, { Body: "hi" }, null);
      expect(received[1]?.sig).toBeNull();
    } finally {
      server.close();
    }
  });
});
