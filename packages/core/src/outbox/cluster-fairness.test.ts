import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, type Stack } from "../test/stack.js";

let stack: Stack | undefined;
let slowCrm: CrmSimulator | undefined;
afterEach(async () => {
  await stack?.close();
  await slowCrm?.close();
  stack = slowCrm = undefined;
});

describe("CRM outbox fairness", () => {
  it("a CRM cluster that does not answer holds its own cap of slots; another cluster's tenant is served meanwhile", async () => {
    const fast = await startCrmSimulator();
    const slow = (slowCrm = await startCrmSimulator());
    const s = (stack = await startStack(createEchoGateway().definition, {
      crm: fast,
      register: false,
      env: { SWITCHBOARD_OUTBOX_CLUSTER_LIMIT: "4" },
    }));
    expect((await slow.register(s.gw.url, TENANT_A)).status).toBe(200);
    expect((await fast.register(s.gw.url, TENANT_B)).status).toBe(200);
    // Every request to the slow CRM is held (longer than the test) before it is answered.
    slow.fail({ delayMs: 120_000 });
    const post = async (ref: typeof TENANT_A, id: string) =>
      fetch(
        `${s.gw.url}echo/webhook/${(await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref)))!.publicId}`,
        {
          method: "POST",
          body: JSON.stringify({ id, from: `echo://${id}`, text: `text of ${id}` }),
        },
      );
    // One contact each, so nothing orders them behind one another: only the slots limit them.
    const held = Array.from({ length: 40 }, (_, i) => `a-${i}`);
    for (const id of held) expect((await post(TENANT_A, id)).status).toBe(200);
    const served = Array.from({ length: 30 }, (_, i) => `b-${i}`);
    const startedAt = performance.now();
    for (const id of served) expect((await post(TENANT_B, id)).status).toBe(200);
    await fast.waitFor(() => fast.incoming.length === served.length, 20_000);
    process.stdout.write(
      `tenant B's ${served.length} customer messages reached its CRM in ${(performance.now() - startedAt).toFixed(0)} ms while tenant A's CRM held every request\n`,
    );
    expect(slow.incoming).toHaveLength(0);
    // The CRM records a request before the gateway reads its answer: wait for B's rows to be done.
    await fast.waitFor(async () => (await s.gw.outbox.pending()) === held.length, 20_000);

    // The slow CRM answers again: nothing of A's was lost.
    await slow.recover();
    await slow.stopListening();
    await slow.resumeListening();
    await slow.waitFor(
      () => new Set(slow.incoming.map((i) => i.body.message.content?.text)).size === held.length,
      30_000,
    );
  }, 60_000);
});
