import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import type { PluginRef } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, textMessage, type Stack } from "../test/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(createEchoGateway().definition);
});
afterAll(() => stack.close());

const now = () => Math.floor(Date.now() / 1000);

/** PUTs a registration token and returns status and body. */
async function register(token: string) {
  const res = await fetch(stack.gw.url + "registration", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registration: token }),
  });
  return { status: res.status, body: await res.json() };
}

/** A registration token for `ref` with `claims` over the standard ones. */
function registrationToken(ref: PluginRef, claims: Record<string, unknown>) {
  const standard = stack.crm.claimsFor(stack.gw.url, ref);
  return stack.crm.mintToken({ claims: { ...standard, country: "RU", currency: "RUB", ...claims } });
}

/** Proves which HPT the gateway signs with: the CRM simulator only records requests it can verify. */
async function outboxStillVerifies(ref: PluginRef, text: string) {
  const publicId = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref)))!.publicId;
  const res = await fetch(`${stack.gw.url}echo/webhook/${publicId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: "echo://dave", text }),
  });
  expect(res.status).toBe(200);
  await stack.crm.waitFor(() => stack.crm.incoming.some((r) => r.body.message.content?.text === text));
}

describe("registration replay", () => {
  it("refuses an older registration token replayed after a re-registration, keeping the new HPT", async () => {
    const ref = { companyId: "31", pluginAlias: "echo", pluginId: "1" };
    const older = registrationToken(ref, { iat: now() - 120, HPT: "older-hpt" });
    expect((await register(older)).status).toBe(200);
    // The CRM re-registers: a newer token with a new HPT (the simulator remembers this one).
    expect((await stack.crm.register(stack.gw.url, ref)).status).toBe(200);

    expect(await register(older)).toEqual({
      status: 409,
      body: { code: 409, message: "Registration token is older than the registration in force" },
    });
    await outboxStillVerifies(ref, "after the replay");
  });

  it("refuses a registration token whose jti was already used", async () => {
    const ref = { companyId: "32", pluginAlias: "echo", pluginId: "1" };
    // One iat for both tokens: only the jti tells them apart (a second ticking between two now()
    // calls would make the replay "outdated" instead).
    const iat = now() - 60;
    const token = registrationToken(ref, { iat, HPT: "first-hpt" });
    expect((await register(token)).status).toBe(200);
    // A CRM retrying the registration in force (its answer was lost) is answered as before, unchanged.
    expect(await register(token)).toEqual({ status: 200, body: { registered: true } });
    // Once a newer registration is in force, the old token is a replay.
    const newer = registrationToken(ref, { iat, HPT: "second-hpt" });
    expect((await register(newer)).status).toBe(200);
    expect(await register(token)).toEqual({
      status: 409,
      body: { code: 409, message: "Registration token was already used" },
    });

    // Without iat, the jti alone catches a replay of an older token.
    const plain = { companyId: "33", pluginAlias: "echo", pluginId: "1" };
    const first = registrationToken(plain, { iat: undefined, HPT: "one" });
    const second = registrationToken(plain, { iat: undefined, HPT: "two" });
    expect((await register(first)).status).toBe(200);
    expect((await register(second)).status).toBe(200);
    expect((await register(first)).status).toBe(409);
    expect(await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(plain))).toBeDefined();
  });

  it("refuses a token without iat once the registration in force had one, and one issued in the future", async () => {
    const ref = { companyId: "34", pluginAlias: "echo", pluginId: "1" };
    expect((await stack.crm.register(stack.gw.url, ref)).status).toBe(200);
    expect((await register(registrationToken(ref, { iat: undefined, HPT: "no-iat" }))).status).toBe(409);
    expect(await register(registrationToken(ref, { iat: now() + 3600, HPT: "future" }))).toEqual({
      status: 403,
      body: { code: 403, message: "Token claim is not valid: iat" },
    });
    await outboxStillVerifies(ref, "kept the CRM's HPT");
  });
});

describe("CRM tokens without exp", () => {
  it("are refused with 401 on registration, X-PLUGIN-TOKEN and /special/send", async () => {
    const noExp = { code: 401, message: "Token has no exp claim" };
    const ref = { companyId: "35", pluginAlias: "echo", pluginId: "1" };
    expect(await register(registrationToken(ref, { exp: undefined, HPT: "forever" }))).toEqual({
      status: 401,
      body: noExp,
    });
    expect(await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref))).toBeUndefined();

    const claims = { ...stack.crm.claimsFor(stack.gw.url, TENANT_A), exp: undefined, settings: true };
    const plugin = await fetch(stack.gw.url + "protected/data/settings", {
      headers: { "x-plugin-token": stack.crm.mintToken({ claims }) },
    });
    expect(plugin.status).toBe(401);
    expect(await plugin.json()).toEqual(noExp);

    const send = await fetch(stack.gw.url + "special/send", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ request: stack.crm.mintToken({ claims: { ...claims, body: textMessage("no-exp") } }) }),
    });
    expect(send.status).toBe(401);
    expect(await send.json()).toEqual(noExp);
  });
});

describe("the settings claim", () => {
  it.each([
    ["the string 'true'", "true"],
    ["the number 1", 1],
    ["an object", {}],
    ["absent", undefined],
  ])("does not open settings when it is %s", async (_name, value) => {
    const claims = { ...stack.crm.claimsFor(stack.gw.url, TENANT_A), settings: value };
    const res = await fetch(stack.gw.url + "protected/data/settings", {
      headers: { "x-plugin-token": stack.crm.mintToken({ claims }) },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 403, message: "Access to settings is not allowed" });
  });

  it("opens settings when it is true", async () => {
    const claims = { ...stack.crm.claimsFor(stack.gw.url, TENANT_A), settings: true };
    const res = await fetch(stack.gw.url + "protected/data/settings", {
      headers: { "x-plugin-token": stack.crm.mintToken({ claims }) },
    });
    expect(res.status).toBe(200);
  });
});
