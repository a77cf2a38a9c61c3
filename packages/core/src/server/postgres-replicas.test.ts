/**
 * Gateways on PostgreSQL (`SWITCHBOARD_DATABASE_URL`): two replicas of one gateway share tenants,
 * settings, stored files and the link secret; PostgreSQL going away and coming back under them.
 */
import { randomBytes } from "node:crypto";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { TENANT_A, textMessage } from "../test/stack.js";
import { startGateway, type GatewayHandle } from "./start-gateway.js";

const pg = await postgresTestDatabase({ ownServer: true });

/** Waits for `check` to hold (no fixed sleeps: the condition, polled, with a generous deadline). */
async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!pg)("replicas of a gateway on one PostgreSQL database", () => {
  const key = randomBytes(32).toString("base64");
  let crm: CrmSimulator;
  let a: GatewayHandle;
  let b: GatewayHandle;
  const echo = createEchoGateway();

  const start = () =>
    startGateway(echo.definition, {
      hosts: [salesrender],
      port: 0,
      env: {
        ...crm.env,
        SWITCHBOARD_DATABASE_URL: pg!.url,
        SWITCHBOARD_SECRET_KEY: key,
        SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
        SWITCHBOARD_RETRY_BASE_MS: "10",
        SWITCHBOARD_RETRY_MAX_MS: "200",
        LOG_LEVEL: "silent",
      },
    });

  beforeAll(async () => {
    crm = await startCrmSimulator();
    [a, b] = await Promise.all([start(), start()]);
    expect((await crm.register(a.url, TENANT_A)).status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all([a?.stop({ timeoutMs: 1000 }), b?.stop({ timeoutMs: 1000 })]);
    await crm?.close();
  });

  const tenantOn = async (gw: GatewayHandle) => {
    const tenant = await gw.runtime.tenants.byKey("salesrender", "1/echo/11");
    if (!tenant) throw new Error("the tenant is not stored");
    return tenant;
  };

  it("serves a tenant another replica registered, and the file links another replica stored and signed", async () => {
    const tenant = await tenantOn(b);
    const link = await a.runtime.files.store(await tenantOn(a), {
      name: "note.txt",
      contentType: "text/plain",
      data: Buffer.from("stored by replica a"),
    });
    // The same link, asked of the other replica: its bytes live in the database, its key too.
    const onB = new URL(new URL(link).pathname.replace(/^\//, ""), b.url);
    const res = await fetch(onB);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("stored by replica a");
    expect(tenant.publicId).toBe((await tenantOn(a)).publicId);
    // A link signed with another secret is refused there too.
    const forged = onB.href.replace(/\.([A-Za-z0-9_-]+)\//, ".AAAA$1/");
    expect((await fetch(forged)).status).toBeGreaterThanOrEqual(400);
  });

  it("settings saved through one replica reach the other's cached tenant", async () => {
    // B reads (and caches) the tenant first.
    expect((await tenantOn(b)).settings.main?.greeting).not.toBe("from replica a");
    const saved = await crm.putSettings(a.url, TENANT_A, { main: { apiKey: "k", greeting: "from replica a" } });
    expect(saved.status).toBe(200);
    await until(
      async () => (await tenantOn(b)).settings.main?.greeting === "from replica a",
      "replica b to drop its cached settings",
    );
  });

  it("answers 503 {code, message} and /readyz 503 while PostgreSQL is down, and resumes by itself when it returns", async () => {
    const server = pg!.server;
    await server.stopServer();
    let restarted = false;
    try {
      await until(async () => (await fetch(new URL("readyz", a.url))).status === 503, "/readyz to answer 503");
      const refused = await crm.send(a.url, TENANT_A, textMessage("while-down"));
      expect(refused.status).toBe(503);
      const body = (await refused.json()) as { code?: unknown; message?: unknown };
      expect(body.code).toBe(503);
      expect(typeof body.message).toBe("string");
      await server.startServer();
      restarted = true;
      await until(async () => (await fetch(new URL("readyz", a.url))).status === 200, "/readyz to answer 200 again");
      await until(async () => (await fetch(new URL("readyz", b.url))).status === 200, "replica b to be ready again");
      const calls = echo.calls.length;
      const accepted = await crm.send(a.url, TENANT_A, textMessage("after-return"));
      expect(accepted.status).toBe(202);
      await until(() => echo.calls.length > calls, "the message sent after PostgreSQL returned");
    } finally {
      if (!restarted) await server.startServer();
    }
  }, 90_000);
});
