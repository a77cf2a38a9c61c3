/**
 * A key rotation on PostgreSQL: the start with the new key (the old one still given) re-seals every
 * stored secret, so a later start with the new key alone opens them all.
 */
import { randomBytes } from "node:crypto";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { TENANT_A } from "../test/stack.js";
import { startGateway } from "./start-gateway.js";

const pg = await postgresTestDatabase();

describe.skipIf(!pg)("secret keys on PostgreSQL", () => {
  let crm: CrmSimulator;
  const echo = createEchoGateway();
  const start = (keys: { key: string; old?: string }) =>
    startGateway(echo.definition, {
      hosts: [salesrender],
      port: 0,
      env: {
        ...crm.env,
        SWITCHBOARD_DATABASE_URL: pg!.url,
        SWITCHBOARD_SECRET_KEY: keys.key,
        ...(keys.old ? { SWITCHBOARD_SECRET_KEYS_OLD: keys.old } : {}),
        SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
        LOG_LEVEL: "silent",
      },
    });

  beforeAll(async () => {
    crm = await startCrmSimulator();
  });
  afterAll(async () => {
    await crm?.close();
  });

  it("re-seals every secret under the new key at the start that rotates it", async () => {
    const first = randomBytes(32).toString("base64");
    const second = randomBytes(32).toString("base64");
    const a = await start({ key: first });
    expect((await crm.register(a.url, TENANT_A)).status).toBe(200);
    expect((await crm.putSettings(a.url, TENANT_A, { main: { apiKey: "s3cret" } })).status).toBe(200);
    await a.stop({ timeoutMs: 1000 });
    // Without the key that sealed them, the stored secrets cannot be opened: the start fails.
    await expect(start({ key: second })).rejects.toThrow();
    const rotating = await start({ key: second, old: first });
    await rotating.stop({ timeoutMs: 1000 });
    const b = await start({ key: second });
    try {
      const tenant = await b.runtime.tenants.byKey("salesrender", "1/echo/11");
      expect(tenant?.settings.main?.apiKey).toBe("s3cret");
    } finally {
      await b.stop({ timeoutMs: 1000 });
    }
  });
});
