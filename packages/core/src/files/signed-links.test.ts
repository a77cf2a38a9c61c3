import { createHmac } from "node:crypto";
import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILE_LINK_SECRET_KEY } from "../secrets/reseal.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, type Stack } from "../test/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(createEchoGateway().definition);
});
afterAll(() => stack.close());

/** A link as core signed them before tenants had hosts: the tenant named by its plugin reference. */
function legacyLink(parts: unknown[]): string {
  const { db, secrets } = stack.gw.runtime;
  const row = db.$client.prepare("SELECT value FROM meta WHERE key = ?").get(FILE_LINK_SECRET_KEY) as { value: string };
  const secret = Buffer.from(secrets.open(row.value), "base64url");
  const payload = Buffer.from(JSON.stringify(parts)).toString("base64url");
  const signature = createHmac("sha256", secret).update(payload).digest("base64url");
  return `${stack.gw.url}files/${payload}.${signature}/echo.txt`;
}

describe("signed file links", () => {
  it("name the tenant by host and key, and serve the file", async () => {
    const tenant = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    const link = stack.gw.runtime.files.link(tenant, "echo", "k-1");
    const payload = JSON.parse(Buffer.from(link.split("/files/")[1]!.split(".")[0]!, "base64url").toString());
    expect(payload.slice(0, 4)).toEqual([SALESRENDER_HOST, tenant.key, "echo", "k-1"]);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("file:k-1");
  });

  it("made before tenants had hosts still open, as the SalesRender tenant of their plugin reference", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const { companyId, pluginAlias, pluginId } = TENANT_A;
    const res = await fetch(legacyLink([companyId, pluginAlias, pluginId, "echo", "old", exp]));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("file:old");
    expect((await fetch(legacyLink(["9", pluginAlias, pluginId, "echo", "old", exp]))).status).toBe(404);
    expect((await fetch(legacyLink([companyId, pluginAlias, pluginId, "echo", "old", 1]))).status).toBe(410);
  });
});
