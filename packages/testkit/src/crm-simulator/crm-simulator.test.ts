import { generateKeyPairSync } from "node:crypto";
import { importSPKI, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCrmSimulator, type CrmSimulator } from "./simulator.js";
import type { CrmEvent, PluginRef } from "./types.js";
import { startTinyPlugin, type TinyPlugin } from "./test/tiny-plugin.js";

const A: PluginRef = { companyId: "1001", pluginAlias: "tiny-chat", pluginId: "7" };
const B: PluginRef = { companyId: "2002", pluginAlias: "tiny-chat", pluginId: "9" };
const incomingBody = (text: string) => ({
  chat: { id: null, contact: "tg://user?id=42", subject: null },
  message: { content: { text, format: "text" }, attachments: [] },
});

let crm: CrmSimulator;
let plugin: TinyPlugin;

beforeAll(async () => {
  crm = await startCrmSimulator();
  plugin = await startTinyPlugin();
  expect((await crm.register(plugin.url, A)).status).toBe(200);
  expect((await crm.register(plugin.url, B)).status).toBe(200);
});

afterAll(async () => {
  await plugin.stop();
  await crm.close();
});

afterEach(async () => {
  await crm.recover();
});

describe("tokens the CRM mints", () => {
  it("registration verifies with jose against the PEM served at /pkey/<md5 of the PEM>", async () => {
    const reg = plugin.registrations.get("1001/tiny-chat/7");
    expect(reg?.claims).toMatchObject({
      iss: crm.url,
      aud: plugin.url,
      cid: "1001",
      plugin: { alias: "tiny-chat", id: "7" },
      country: "RU",
      currency: "RUB",
    });
    expect(reg?.hpt).toMatch(/^[\w-]{40,}$/);
    expect(reg?.claims.jti).toEqual(expect.any(String));
    expect(Number(reg?.claims.exp)).toBeGreaterThan(Number(reg?.claims.iat));
    expect(plugin.fetchedKeys[0]).toEqual({ pkey: crm.pkeyId, md5: crm.pkeyId });
    expect(crm.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(crm.env).toEqual({
      LV_PLUGIN_COMPONENT_REGISTRATION_SCHEME: "http",
      LV_PLUGIN_COMPONENT_REGISTRATION_HOSTNAME: "127.0.0.1",
    });
  });

  it("plugin tokens carry the settings claim and special tokens the body claim", async () => {
    const key = await importSPKI(crm.publicKeyPem, "RS512");
    const { payload, protectedHeader } = await jwtVerify(crm.pluginToken(plugin.url, A, { settings: false }), key);
    expect(protectedHeader).toEqual({ alg: "RS512", typ: "JWT", pkey: crm.pkeyId });
    expect(payload).toMatchObject({ settings: false, cid: "1001", aud: plugin.url });
    expect((await jwtVerify(crm.pluginToken(plugin.url, A), key)).payload.settings).toBe(true);
    const body = { chat: { contact: "x" }, message: { id: "m1", content: { text: "hi", format: "text" } } };
    expect((await jwtVerify(crm.specialToken(plugin.url, A, body), key)).payload.body).toEqual(body);
  });

  it("convenience calls reach the gateway with tokens it can verify", async () => {
    expect((await crm.getSettings(plugin.url, A)).status).toBe(200);
    const body = { chat: { contact: "c" }, message: { id: "m-1", content: { text: "hi", format: "text" } } };
    expect((await crm.send(plugin.url, B, body)).status).toBe(202);
    expect(plugin.verified.at(-1)).toMatchObject({ cid: "2002", body });
  });

  it("forged tokens fail verification with the CRM key", async () => {
    const key = await importSPKI(crm.publicKeyPem, "RS512");
    const claims = crm.claimsFor(plugin.url, A);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    await expect(jwtVerify(crm.mintToken({ claims, key: other }), key)).rejects.toThrow();
    await expect(jwtVerify(crm.mintToken({ claims, alg: "none" }), key)).rejects.toThrow();
    const hs = crm.mintToken({ claims, alg: "HS512", key: "secret" });
    await expect(jwtVerify(hs, new TextEncoder().encode("secret"))).resolves.toBeDefined();
    const expired = crm.mintToken({ claims: { ...claims, exp: 1000 } });
    await expect(jwtVerify(expired, key)).rejects.toThrow(/exp/);
    const noPkey = crm.mintToken({ claims, header: { pkey: undefined } });
    expect(JSON.parse(Buffer.from(noPkey.split(".")[0] ?? "", "base64url").toString())).toEqual({
      typ: "JWT",
      alg: "RS512",
    });
  });

  it("serves only its own key id", async () => {
    expect((await fetch(`${crm.url}pkey/${crm.pkeyId}`)).status).toBe(200);
    expect((await fetch(`${crm.url}pkey/not-a-key`)).status).toBe(404);
  });
});

describe("requests from the gateway", () => {
  it("records a verified incoming message with its tenant and envelope", async () => {
    const res = await plugin.call("incoming", A, incomingBody("hello from A"));
    expect(res.status).toBe(201);
    const rec = await crm.waitFor(() => crm.incoming.find((r) => r.body.message.content?.text === "hello from A"));
    expect(rec.ref).toEqual(A);
    expect(rec.claims).toMatchObject({ iss: plugin.url, aud: crm.url });
    expect(rec.envelope.__task).toBeDefined();
  });

  it("records a verified status and lists statuses by message id", async () => {
    expect((await plugin.call("status", B, { id: "m-77", status: "sent" })).status).toBe(200);
    expect((await plugin.call("status", B, { id: "m-77", status: "read" })).status).toBe(200);
    expect(crm.statusesOf("m-77")).toEqual(["sent", "read"]);
    expect(crm.statuses.at(-1)?.ref).toEqual(B);
  });

  it.each([
    ["a wrong HS512 secret", { secret: "not-the-hpt" }, 401, /signature/],
    ["an aud that is not the CRM", { aud: "http://elsewhere.test/" }, 403, /aud/],
    ["an unknown iss", { iss: "http://127.0.0.1:1/" }, 403, /iss/],
    ["a numeric cid", { cid: 1001 }, 403, /cid must be a string/],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 3600 }, 401, /expired/],
    ["a path company that is not the token's", { pathCompanyId: "2002" }, 403, /does not match/],
    [
      "a message id on an incoming message",
      {
        body: {
          ...incomingBody("x"),
          message: { id: "m", content: null, attachments: [{ name: "a", uri: "u", type: "file" }] },
        },
      },
      400,
      /message\.id/,
    ],
  ])("refuses %s", async (_what, options, status, reason) => {
    const before = crm.incoming.length;
    const res = await plugin.call("incoming", A, incomingBody("forged"), options);
    expect(res.status).toBe(status);
    expect(crm.incoming.length).toBe(before);
    expect(crm.rejected.at(-1)).toMatchObject({ status, path: expect.stringContaining("/incoming") });
    expect(crm.rejected.at(-1)?.reason).toMatch(reason);
  });

  it("refuses a status that is not in the protocol's list", async () => {
    expect((await plugin.call("status", A, { id: "m-1", status: "delivering" })).status).toBe(400);
    expect(crm.rejected.at(-1)?.reason).toMatch(/body.status/);
  });

  it("answers unknown routes 404 and records them", async () => {
    const res = await fetch(`${crm.url}companies/1001/CRM/plugin/chat/typing`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(crm.rejected.at(-1)?.reason).toMatch(/no such CRM route: POST/);
  });

  it("a waitFor timeout reports what the CRM rejected", async () => {
    await plugin.call("incoming", A, incomingBody("bad"), { secret: "nope" });
    await expect(crm.waitFor(() => crm.incoming.some((r) => r.body.chat.contact === "never"), 50)).rejects.toThrow(
      /rejected PUT \/companies\/1001\/CRM\/plugin\/chat\/incoming → 401: token signature/,
    );
  });

  it("keeps the accepted HPT when a re-registration is refused", async () => {
    plugin.refuseRegistrations = true;
    try {
      expect((await crm.register(plugin.url, A)).status).toBe(403);
    } finally {
      plugin.refuseRegistrations = false;
    }
    expect((await plugin.call("incoming", A, incomingBody("still registered"))).status).toBe(201);
  });

  it("verifies with the new HPT after a re-registration", async () => {
    const old = plugin.registrations.get("1001/tiny-chat/7")?.hpt ?? "";
    expect((await crm.register(plugin.url, A)).status).toBe(200);
    expect((await plugin.call("incoming", A, incomingBody("old secret"), { secret: old })).status).toBe(401);
    expect((await plugin.call("incoming", A, incomingBody("new secret"))).status).toBe(201);
  });
});

describe("failure modes", () => {
  it("answers the configured status and records nothing", async () => {
    crm.fail({ status: 500 });
    const before = crm.incoming.length;
    expect((await plugin.call("incoming", A, incomingBody("during outage"))).status).toBe(500);
    expect((await plugin.call("status", A, { id: "m-5", status: "sent" })).status).toBe(500);
    expect(crm.incoming.length).toBe(before);
    await crm.recover();
    expect((await plugin.call("incoming", A, incomingBody("after outage"))).status).toBe(201);
  });

  it("fails only `times` requests and only the chosen endpoint", async () => {
    crm.fail({ status: 503, times: 1, only: "status" });
    expect((await plugin.call("incoming", A, incomingBody("unaffected"))).status).toBe(201);
    expect((await plugin.call("status", A, { id: "m-6", status: "sent" })).status).toBe(503);
    expect((await plugin.call("status", A, { id: "m-6", status: "sent" })).status).toBe(200);
  });

  it("delays answers", async () => {
    crm.fail({ delayMs: 150 });
    const started = Date.now();
    expect((await plugin.call("incoming", A, incomingBody("slow"))).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers the calls a delay holds as soon as they are released, recording each once", async () => {
    crm.fail({ delayMs: 600_000 });
    const before = crm.incoming.length;
    const held = plugin.call("incoming", A, incomingBody("held"));
    await crm.waitFor(() => crm.heldCalls === 1);
    await crm.recover();
    crm.answerHeld();
    expect((await held).status).toBe(201);
    expect(crm.incoming.slice(before).map((r) => r.body.message.content?.text)).toEqual(["held"]);
  });

  it("refuses connections while stopped and resumes on the same port", async () => {
    const url = crm.url;
    await crm.stopListening();
    expect(crm.isListening).toBe(false);
    await expect(plugin.call("incoming", A, incomingBody("refused"))).rejects.toThrow();
    await crm.resumeListening();
    expect(crm.url).toBe(url);
    expect((await plugin.call("incoming", A, incomingBody("resumed"))).status).toBe(201);
  });
});

describe("closing", () => {
  it("cannot be resumed once closed", async () => {
    const other = await startCrmSimulator();
    await other.close();
    await other.close();
    await expect(other.resumeListening()).rejects.toThrow(/closed/);
    await expect(fetch(`${other.url}pkey/${other.pkeyId}`)).rejects.toThrow();
  });
});

describe("event log", () => {
  it("records calls both ways, masks the HPT and notifies listeners", async () => {
    const seen: CrmEvent[] = [];
    const off = crm.onEvent((e) => seen.push(e));
    await crm.register(plugin.url, B);
    await plugin.call("status", B, { id: "m-9", status: "sent" });
    off();
    await crm.getInfo(plugin.url, "ru-RU");
    expect(seen.map((e) => `${e.direction} ${e.kind} ${e.status}`)).toEqual([
      // Calls are logged when they complete: the key fetch happens inside the registration call.
      "from-gateway pkey 200",
      "to-gateway registration 200",
      "from-gateway status 200",
    ]);
    expect(seen[1]?.claims?.HPT).toBe("***");
    expect(JSON.stringify(crm.events)).not.toContain(String(plugin.registrations.get("2002/tiny-chat/9")?.hpt));
    expect(crm.events.at(-1)).toMatchObject({ kind: "info", status: 404 });
  });
});
