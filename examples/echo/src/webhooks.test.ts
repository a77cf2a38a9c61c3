/**
 * The Echo gateway's own cases beside the conformance suite: signatures over the raw body, bad
 * bodies, status mapping, error classification of sends, settings checks and outgoing files.
 */
import { uniqueId } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoTestbed, type EchoTestbed } from "./test/testbed.js";
import { SIGNATURE_HEADER, signBody } from "./webhook/signature.js";
import { mapChannelStatus, statusesWebhook } from "./webhook/statuses.js";
import type { WebhookRequest } from "@switchboard/core";

let bed: EchoTestbed;

beforeAll(async () => {
  bed = await startEchoTestbed();
});

afterAll(async () => {
  await bed?.stop();
});

const webhooks = () => bed.account.webhooks!;

/** Posts raw bytes to a webhook with a signature header computed here (or given). */
function postRaw(url: string, body: string, signature: string | null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers[SIGNATURE_HEADER] = signature;
  return fetch(url, { method: "POST", headers, body });
}

/** Delivers a marker message and waits until the CRM has it: what came before it was handled too. */
async function marker(): Promise<void> {
  const text = uniqueId("marker");
  expect((await bed.fake.deliverMessage(bed.account, { from: "customer-1", text })).status).toBe(200);
  await bed.crm.waitFor(() => bed.crm.incoming.some((i) => i.body.message.content?.text === text));
}

const textsAtCrm = () => bed.crm.incoming.map((i) => i.body.message.content?.text);

describe("the webhook signature", () => {
  it("is checked over the raw bytes as sent: odd spacing and non-ASCII text are accepted as signed", async () => {
    const body = `{ "id" : "raw-1",\n  "from": "customer-1", "text": "Привет, мир ✓" }`;
    const res = await postRaw(webhooks().messages, body, signBody(bed.account.signingSecret, body));
    expect(res.status).toBe(200);
    await bed.crm.waitFor(() => textsAtCrm().includes("Привет, мир ✓"));
  });

  it("refuses a wrong, missing or re-serialized signature with 401 {code, message}, and nothing reaches the CRM", async () => {
    const body = JSON.stringify({ id: "forged-1", from: "customer-1", text: "forged text" });
    const reserialized = JSON.stringify(JSON.parse(body), null, 2); // signed bytes differ from the sent ones
    const cases = [
      signBody("not-the-secret", body),
      null,
      signBody(bed.account.signingSecret, reserialized),
      "sha256=",
      "garbage",
    ];
    for (const signature of cases) {
      const res = await postRaw(webhooks().messages, body, signature);
      expect(res.status, String(signature)).toBe(401);
      const answer = (await res.json()) as { code: unknown; message: unknown };
      expect(answer.code).toBe(401);
      expect(typeof answer.message).toBe("string");
      expect(String(answer.message)).not.toContain(bed.account.signingSecret);
    }
    const statusRes = await postRaw(webhooks().statuses, body, signBody("not-the-secret", body));
    expect(statusRes.status).toBe(401);
    await marker();
    expect(textsAtCrm()).not.toContain("forged text");
  });
});

describe("bad webhook bodies", () => {
  it("answers a signed body that is not JSON 400 {code, message}, on both webhooks", async () => {
    for (const url of [webhooks().messages, webhooks().statuses]) {
      const body = "id=1&text=not json";
      const res = await postRaw(url, body, signBody(bed.account.signingSecret, body));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ code: 400, message: expect.stringContaining("not JSON") });
    }
  });

  it("answers a message without a sender, or without text and files, 400 naming what is wrong", async () => {
    const noSender = JSON.stringify({ id: "bad-1", text: "who am I" });
    const res = await postRaw(webhooks().messages, noSender, signBody(bed.account.signingSecret, noSender));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("from");
    const empty = JSON.stringify({ id: "bad-2", from: "customer-1", text: "" });
    const res2 = await postRaw(webhooks().messages, empty, signBody(bed.account.signingSecret, empty));
    expect(res2.status).toBe(400);
  });
});

describe("statuses", () => {
  it("maps the channel's delivered, read and failed to the CRM's delivered, read and error", async () => {
    const readId = await bed.sendText("customer-2", "to be read");
    await bed.waitStatus(readId, "sent");
    const readMessage = bed.fake.messages.find((m) => m.text === "to be read")!;
    expect((await bed.fake.deliverStatus(bed.account, readMessage.id, "delivered")).status).toBe(200);
    await bed.waitStatus(readId, "delivered");
    expect((await bed.fake.deliverStatus(bed.account, readMessage.id, "read")).status).toBe(200);
    await bed.waitStatus(readId, "read");

    const failedId = await bed.sendText("customer-2", "to fail");
    await bed.waitStatus(failedId, "sent");
    const failed = bed.fake.messages.find((m) => m.text === "to fail")!;
    expect((await bed.fake.deliverStatus(bed.account, failed.id, "failed", "blocked")).status).toBe(200);
    await bed.waitStatus(failedId, "error");
    expect(bed.crm.statusesOf(failedId)).toEqual(["sent", "error"]);
  });

  it("answers a status word the channel does not define 400, and changes nothing", async () => {
    const id = await bed.sendText("customer-3", "unknown status");
    await bed.waitStatus(id, "sent");
    const message = bed.fake.messages.find((m) => m.text === "unknown status")!;
    const res = await bed.fake.deliverStatus(bed.account, message.id, "bounced");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 400, message: 'Echo: unknown status "bounced"' });
    expect(bed.crm.statusesOf(id)).toEqual(["sent"]);
  });

  it("gives a failure its reason, and maps case-insensitively", () => {
    expect(["delivered", "READ", "failed", "sent", "queued", "constructor"].map(mapChannelStatus)).toEqual([
      "delivered",
      "read",
      "error",
      undefined,
      undefined,
      undefined,
    ]);
    const body = Buffer.from(JSON.stringify({ messageId: 5, status: "failed", reason: "blocked by the recipient" }));
    const request = { body, json: () => JSON.parse(body.toString()) as unknown } as WebhookRequest;
    const parsed = statusesWebhook().parse(request, { settings: {} } as never);
    expect(parsed).toEqual({
      events: [{ kind: "status", channelMessageId: "5", status: "error", reason: "Echo: blocked by the recipient" }],
    });
  });
});

describe("sending", () => {
  it("retries a 429 after its Retry-After and a 503, then sends once", async () => {
    bed.fake.failNext({ status: 429, error: "slow down", retryAfter: "1" });
    bed.fake.failNext({ status: 503 });
    const before = bed.fake.requests.length;
    const id = await bed.sendText("customer-4", "after the limit");
    await bed.waitStatus(id, "sent");
    const tries = bed.fake.requests.slice(before).filter((r) => r.path === "/api/messages");
    expect(tries.map((r) => r.status)).toEqual([429, 503, 201]);
    expect(bed.fake.messages.filter((m) => m.text === "after the limit")).toHaveLength(1);
  });

  it("fails a message the channel refuses with a 4xx at once, without a retry", async () => {
    bed.fake.failNext({ status: 422, error: "recipient unknown" });
    const before = bed.fake.requests.length;
    const id = await bed.sendText("customer-5", "refused");
    await bed.waitStatus(id, "error");
    expect(bed.fake.requests.slice(before).filter((r) => r.path === "/api/messages")).toHaveLength(1);
  });

  it("sends the CRM's attachment links to the channel with their names and types", async () => {
    const id = await bed.sendText("customer-6", "see the files", [
      { name: "photo.png", uri: "https://files.example.test/photo.png", type: "image" },
      { name: "terms.pdf", uri: "https://files.example.test/terms.pdf", type: "file" },
    ]);
    await bed.waitStatus(id, "sent");
    expect(bed.fake.messages.find((m) => m.text === "see the files")).toMatchObject({
      to: "customer-6",
      apiKey: bed.account.apiKey,
      attachments: [
        { url: "https://files.example.test/photo.png", name: "photo.png", type: "image" },
        { url: "https://files.example.test/terms.pdf", name: "terms.pdf", type: "file" },
      ],
    });
  });
});

describe("settings", () => {
  it("refuses a key the channel refuses on the key field, in the CRM's language, and keeps the saved ones", async () => {
    const res = await bed.crm.putSettings(
      bed.gateway.url,
      bed.ref,
      { channel: { apiUrl: bed.fake.apiUrl, apiKey: "not-a-key", signingSecret: "s" } },
      "ru-RU",
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ channel: { apiKey: ["Канал не принял этот ключ API"] } });
    const id = await bed.sendText("customer-7", "still sending");
    await bed.waitStatus(id, "sent");
  });

  it("refuses an API URL that is not an http(s) URL before calling anything", async () => {
    const before = bed.fake.requests.length;
    const res = await bed.crm.putSettings(bed.gateway.url, bed.ref, {
      channel: { apiUrl: "ftp://example.test/api", apiKey: bed.account.apiKey, signingSecret: "s" },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ channel: { apiUrl: ["Enter an http(s) URL without a query"] } });
    expect(bed.fake.requests.length).toBe(before);
  });
});
