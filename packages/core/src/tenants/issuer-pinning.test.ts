import {
  RegistrationStore,
  registeredTenant,
  SALESRENDER_HOST,
  salesRenderTenantKey,
} from "@switchboard/host-salesrender";
import { randomBytes } from "node:crypto";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import { createEchoGateway, type EchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, tempDbPath, textMessage, type Stack } from "../test/stack.js";
import { Keyring } from "../secrets/keyring.js";
import { SecretKey } from "../secrets/secret-key.js";
import { TenantStore } from "./tenant-store.js";
import type { HostRuntime } from "../hosts/types.js";
import type { SecretBox } from "../secrets/keyring.js";

const keyring = new Keyring(new SecretKey(randomBytes(32)));

/** The SalesRender host's registrations on a database, as its runtime scopes core's tenants. */
function registrationsOn(db: ReturnType<typeof openDatabase>, box: SecretBox = keyring): RegistrationStore {
  const store = new TenantStore(db, keyring);
  const own = (tenant: Awaited<ReturnType<TenantStore["byId"]>>) =>
    tenant?.host === SALESRENDER_HOST ? tenant : undefined;
  const tenants: HostRuntime["tenants"] = {
    open: (key, init) => store.open(SALESRENDER_HOST, key, init),
    get: (key) => store.byKey(SALESRENDER_HOST, key),
    byId: async (id) => own(await store.byId(id)),
    byPublicId: async (id) => own(await store.byPublicId(id)),
    all: () => store.all(SALESRENDER_HOST),
  };
  return new RegistrationStore(db, box, tenants);
}

/**
 * Two allow-listed CRMs (both on 127.0.0.1, different ports, so different issuer origins) whose
 * company ids collide: the second must never act as the first's tenant.
 */
let stack: Stack;
let echo: EchoGateway;
let intruder: CrmSimulator;
beforeAll(async () => {
  echo = createEchoGateway();
  stack = await startStack(echo.definition);
  intruder = await startCrmSimulator();
  const saved = await stack.crm.putSettings(stack.gw.url, TENANT_A, { main: { apiKey: "a-secret", greeting: "A" } });
  expect(saved.status).toBe(200);
});
afterAll(async () => {
  await stack.close();
  await intruder.close();
});

const notRegistered = { code: 403, message: "Plugin was not registered" };
const outgoingIds = () =>
  (
    stack.gw.runtime.db.$client.prepare(`SELECT crm_message_id FROM outgoing`).all() as { crm_message_id: string }[]
  ).map((r) => r.crm_message_id);

describe("tenants pinned to their issuer", () => {
  it("refuses another issuer's X-PLUGIN-TOKEN for a colliding tenant like an unregistered plugin", async () => {
    const gw = stack.gw.url;
    const read = await intruder.getSettings(gw, TENANT_A);
    expect(read.status).toBe(403);
    expect(await read.json()).toEqual(notRegistered);
    const form = await intruder.getSettingsForm(gw, TENANT_A);
    expect(form.status).toBe(403);
    const preview = await intruder.request(gw, TENANT_A, "GET", "protected/preview/markdown/status");
    expect(preview.status).toBe(403);
    expect(await preview.text()).not.toContain("greeting=");

    const write = await intruder.putSettings(gw, TENANT_A, { main: { apiKey: "b-secret", greeting: "B" } });
    expect(write.status).toBe(403);
    expect(await write.json()).toEqual(notRegistered);
    expect(
      (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.settings.main,
    ).toMatchObject({ apiKey: "a-secret", greeting: "A" });
  });

  it("refuses another issuer's send for a colliding tenant and queues nothing", async () => {
    const res = await intruder.send(stack.gw.url, TENANT_A, textMessage("intruder-1"));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(notRegistered);
    expect(outgoingIds()).not.toContain("intruder-1");
  });

  it("refuses another issuer's re-registration, and the pinned tenant keeps its HPT", async () => {
    const res = await intruder.register(stack.gw.url, TENANT_A);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 403, message: "Plugin is registered by another issuer" });

    // A still works: its settings, its sends, and the outbox still signs with A's HPT (the CRM
    // simulator only records an incoming message whose token verifies with the HPT it issued).
    expect((await stack.crm.getSettings(stack.gw.url, TENANT_A)).status).toBe(200);
    expect((await stack.crm.send(stack.gw.url, TENANT_A, textMessage("a-1"))).status).toBe(202);
    await stack.crm.waitFor(() => echo.calls.some((m) => m.message.id === "a-1"));
    const publicId = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId;
    const hook = await fetch(`${stack.gw.url}echo/webhook/${publicId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "in-1", from: "echo://carol", text: "still A's" }),
    });
    expect(hook.status).toBe(200);
    await stack.crm.waitFor(() => stack.crm.incoming.some((r) => r.body.message.content?.text === "still A's"));
    expect(stack.crm.incoming.at(-1)?.ref).toEqual(TENANT_A);
    expect(intruder.incoming).toEqual([]);
  });

  it("lets the second issuer register a tenant of its own", async () => {
    const own = { companyId: "77", pluginAlias: "echo", pluginId: "7" };
    expect((await intruder.register(stack.gw.url, own)).status).toBe(200);
    expect((await intruder.getSettings(stack.gw.url, own)).status).toBe(200);
    // ...which the first issuer, in turn, cannot touch.
    expect((await stack.crm.getSettings(stack.gw.url, own)).status).toBe(403);
  });
});

describe("registrations stored before issuers were pinned", () => {
  const ref = TENANT_A;
  const input = { hpt: "h1", clusterUri: "http://127.0.0.1:1111/", country: "RU", currency: "RUB" };

  it("are pinned to the origin of their cluster URI at start", async () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    await registrationsOn(db).register(ref, { ...input, issuer: "http://127.0.0.1:1111" });
    db.$client.prepare(`UPDATE registrations SET issuer = NULL`).run();
    db.$client.close();

    const reopened = openDatabase(path);
    const tenants = registrationsOn(reopened);
    expect(await tenants.pinLegacyIssuers()).toBe(1);
    expect((await tenants.credentials((await tenants.byReference(ref))!.id))?.issuer).toBe("http://127.0.0.1:1111");
    expect(await tenants.register(ref, { ...input, issuer: "http://127.0.0.1:2222" })).toEqual({
      ok: false,
      refusal: "foreign-issuer",
    });
    reopened.$client.close();
  });

  it("keep working without an issuer until the next registration adopts one", async () => {
    const db = openDatabase(tempDbPath());
    const tenants = registrationsOn(db);
    await tenants.register(ref, { ...input, issuer: "http://127.0.0.1:1111" });
    db.$client.prepare(`UPDATE registrations SET issuer = NULL, cluster_uri = 'not a url'`).run();
    expect(await tenants.pinLegacyIssuers()).toBe(0);

    const fresh = registrationsOn(db);
    expect((await fresh.credentials((await fresh.byReference(ref))!.id))?.issuer).toBeNull();
    // Protected requests work as before while the row has no issuer.
    expect(await registeredTenant(fresh, { ref, issuer: "http://127.0.0.1:3333", claims: {} })).toEqual(
      await fresh.byReference(ref),
    );
    const adopted = await fresh.register(ref, { ...input, hpt: "h2", issuer: "http://127.0.0.1:3333" });
    expect(adopted).toMatchObject({ ok: true, adoptedIssuer: true });
    expect(await fresh.credentials((await fresh.byReference(ref))!.id)).toMatchObject({
      hpt: "h2",
      issuer: "http://127.0.0.1:3333",
    });
    expect(await fresh.register(ref, { ...input, issuer: "http://127.0.0.1:1111" })).toMatchObject({ ok: false });
    await expect(registeredTenant(fresh, { ref, issuer: "http://127.0.0.1:1111", claims: {} })).rejects.toThrow(
      "Plugin was not registered",
    );
    db.$client.close();
  });
});

describe("a registration's transaction", () => {
  const ref = { companyId: "41", pluginAlias: "echo", pluginId: "1" };
  const input = { hpt: "h1", clusterUri: "http://127.0.0.1:1111/", country: "RU", currency: "RUB" };
  const countOf = (db: ReturnType<typeof openDatabase>, table: string) =>
    (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it("creates the tenant with the registration or not at all", async () => {
    const db = openDatabase(tempDbPath());
    const failing: SecretBox = {
      seal: () => {
        throw new Error("the disk is full");
      },
      open: (sealed) => keyring.open(sealed),
    };
    await expect(
      registrationsOn(db, failing).register(ref, { ...input, issuer: "http://127.0.0.1:1111", jti: "j-1" }),
    ).rejects.toThrow("the disk is full");
    expect([countOf(db, "tenants"), countOf(db, "registrations"), countOf(db, "seen_events")]).toEqual([0, 0, 0]);

    // The same token then registers: its id was not spent by the attempt that failed.
    const stored = await registrationsOn(db).register(ref, { ...input, issuer: "http://127.0.0.1:1111", jti: "j-1" });
    expect(stored).toMatchObject({ ok: true, tenant: { key: salesRenderTenantKey(ref), country: "RU" } });
    expect([countOf(db, "tenants"), countOf(db, "registrations")]).toEqual([1, 1]);
    db.$client.close();
  });

  it("changes nothing when refused, the tenant's country included, and a new country comes with the next one", async () => {
    const db = openDatabase(tempDbPath());
    const store = registrationsOn(db);
    const first = await store.register(ref, { ...input, issuer: "http://127.0.0.1:1111", iat: 2000 });
    expect(first).toMatchObject({ ok: true, tenant: { country: "RU" } });
    const tenantId = first.ok ? first.tenant.id : -1;
    const older = { ...input, country: "DE", hpt: "h-old", issuer: "http://127.0.0.1:1111", iat: 1000 };
    expect(await store.register(ref, older)).toEqual({ ok: false, refusal: "outdated" });
    const foreign = { ...input, country: "DE", issuer: "http://127.0.0.1:2222", iat: 3000 };
    expect(await store.register(ref, foreign)).toEqual({ ok: false, refusal: "foreign-issuer" });
    expect(db.$client.prepare(`SELECT country FROM tenants WHERE id = ?`).get(tenantId)).toEqual({ country: "RU" });
    expect((await store.credentials(tenantId))?.hpt).toBe("h1");

    const moved = await store.register(ref, {
      ...input,
      country: "DE",
      hpt: "h2",
      issuer: "http://127.0.0.1:1111",
      iat: 3000,
    });
    expect(moved).toMatchObject({ ok: true, tenant: { id: tenantId, country: "DE" } });
    expect((await store.credentials(tenantId))?.hpt).toBe("h2");
    db.$client.close();
  });
});
