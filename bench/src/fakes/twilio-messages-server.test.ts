import { ChannelRefusedError } from "@switchboard/core";
import { configureOutbound } from "@switchboard/core/internal";
import { TwilioClients } from "@switchboard/sms/dist/twilio/client.js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { TwilioMessagesServer } from "./twilio-messages-server.js";

// The SMS gateway's own client: the twilio library over core's guarded request, as in production.
let fake: TwilioMessagesServer;
let clients: TwilioClients;
beforeAll(async () => {
  // The fake is on loopback, as the bench's gateway child allows with SWITCHBOARD_ALLOW_PRIVATE_URLS.
  configureOutbound({ allowPrivate: true, downloadDeadlineMs: 30_000, downloadBudgetBytes: 64 * 1024 * 1024 });
  fake = await TwilioMessagesServer.start();
  clients = new TwilioClients(fake.url);
});
afterAll(() => fake?.close());

const client = () => clients.for({ accountSid: fake.account.accountSid, authToken: fake.account.authToken });

test("the settings check's calls answer as Twilio's do: the account, the number, its webhook update", async () => {
  const account = await client().api.v2010.accounts(fake.account.accountSid).fetch();
  expect(account.status).toBe("active");
  const numbers = await client().incomingPhoneNumbers.list({ phoneNumber: fake.account.phoneNumber, limit: 20 });
  expect(numbers.map((n) => n.phoneNumber)).toEqual([fake.account.phoneNumber]);
  await client()
    .incomingPhoneNumbers(numbers[0]!.sid)
    .update({ smsUrl: "http://gw.test/sms/inbound/x", smsMethod: "POST" });
  expect(fake.smsUrl).toBe("http://gw.test/sms/inbound/x");
});

test("a created message answers 201 with the message resource and records its marker's arrival", async () => {
  const before = fake.delivered;
  const message = await client().messages.create({
    to: "+14155550100",
    from: fake.account.phoneNumber,
    body: "Hello [[t1]]",
  });
  expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
  expect(message).toMatchObject({
    to: "+14155550100",
    from: fake.account.phoneNumber,
    body: "Hello [[t1]]",
    status: "queued",
  });
  expect(fake.delivered).toBe(before + 1);
  expect(fake.arrivals.get("t1")).toHaveLength(1);
});

test("a wrong auth token is Twilio's 401 with error 20003, and nothing is recorded", async () => {
  const before = fake.delivered;
  const wrong = clients.for({ accountSid: fake.account.accountSid, authToken: "0".repeat(32) });
  const error = await wrong.messages
    .create({ to: "+14155550100", from: fake.account.phoneNumber, body: "x [[t2]]" })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(ChannelRefusedError);
  expect((error as ChannelRefusedError).code).toBe(20003);
  expect(fake.delivered).toBe(before);
});

test("an invalid To is error 21211, as Twilio answers it", async () => {
  const error = await client()
    .messages.create({ to: "not-a-number", from: fake.account.phoneNumber, body: "x" })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect((error as ChannelRefusedError).code).toBe(21211);
});

test("held sends are answered, and recorded, only when released", async () => {
  fake.setMode({ kind: "hold" });
  const sent = client().messages.create({ to: "+14155550101", from: fake.account.phoneNumber, body: "Held [[t3]]" });
  await expect.poll(() => fake.heldCount).toBe(1);
  expect(fake.arrivals.has("t3")).toBe(false);
  fake.setMode({ kind: "ok" });
  fake.release();
  expect((await sent).body).toBe("Held [[t3]]");
  expect(fake.arrivals.get("t3")).toHaveLength(1);
});

test("a held send the client gave up on is counted as abandoned, not as an arrival", async () => {
  fake.setMode({ kind: "hold" });
  const controller = new AbortController();
  const sent = fetch(`${fake.url}/2010-04-01/Accounts/${fake.account.accountSid}/Messages.json`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${fake.account.accountSid}:${fake.account.authToken}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ To: "+14155550102", From: fake.account.phoneNumber, Body: "Late [[t4]]" }),
    signal: controller.signal,
  }).catch(() => "aborted");
  await expect.poll(() => fake.heldCount).toBe(1);
  controller.abort();
  expect(await sent).toBe("aborted");
  await expect.poll(() => fake.heldOfClosedConnections).toBe(1);
  fake.setMode({ kind: "ok" });
  fake.release();
  expect(fake.abandoned).toBe(1);
  expect(fake.arrivals.has("t4")).toBe(false);
});
