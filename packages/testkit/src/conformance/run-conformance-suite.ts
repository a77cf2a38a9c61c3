/**
 * @module conformance/run-conformance-suite — the protocol cases every gateway must pass, driven through a harness.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { startCrmSimulator } from "../crm-simulator/simulator.js";
import { attachmentInCases } from "./cases/attachments-in.js";
import { channelStatusCases } from "./cases/channel-statuses.js";
import { deliveryCases } from "./cases/delivery.js";
import { inboundWebhookCases } from "./cases/inbound-webhook.js";
import { incomingCases } from "./cases/incoming.js";
import { isolationCases } from "./cases/isolation.js";
import { publicRouteCases } from "./cases/public-routes.js";
import { settingsCases } from "./cases/settings.js";
import type { ConformanceHarness, TenantIndex } from "./harness.js";
import { refOf, type SuiteContext } from "./suite-context.js";

/**
 * Defines the conformance suite (vitest `describe`/`it`) for one gateway. Before the cases run it
 * starts a CRM simulator and the gateway, registers two companies and saves their valid settings.
 * Cases run in order and share that gateway; each waits for its own effects.
 * @example
 * runConformanceSuite({ name: "telegram", start: async (crm) => { ... }, validSettings, contact, ... });
 */
export function runConformanceSuite(harness: ConformanceHarness): void {
  describe(`${harness.name} conformance`, () => {
    // Filled in beforeAll; the case groups only read it inside their tests.
    const ctx = { harness } as SuiteContext;
    let stopGateway: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ctx.crm = await startCrmSimulator();
      const started = await harness.start(ctx.crm);
      stopGateway = started.stop;
      ctx.gatewayUrl = started.gatewayUrl.replace(/\/+$/, "") + "/";
      for (const tenant of [0, 1] as TenantIndex[]) await setUpTenant(ctx, tenant);
    });

    afterAll(async () => {
      await stopGateway?.();
      await ctx.crm?.close();
    });

    describe("public routes and registration", () => publicRouteCases(ctx));
    describe("settings", () => settingsCases(ctx));
    describe("outgoing messages", () => deliveryCases(ctx));
    describe("incoming messages", () => incomingCases(ctx));
    describe("inbound webhook", () => inboundWebhookCases(ctx));
    describe("incoming attachments", () => attachmentInCases(ctx));
    describe("channel statuses", () => channelStatusCases(ctx));
    describe("tenant isolation", () => isolationCases(ctx));
  });
}

async function setUpTenant(ctx: SuiteContext, tenant: TenantIndex): Promise<void> {
  const registered = await ctx.crm.register(ctx.gatewayUrl, refOf(tenant));
  if (registered.status !== 200) {
    throw new Error(`Registering tenant ${tenant} answered ${registered.status}: ${await registered.text()}`);
  }
  const saved = await ctx.crm.putSettings(ctx.gatewayUrl, refOf(tenant), ctx.harness.validSettings(tenant));
  if (saved.status !== 200) {
    throw new Error(`Saving valid settings of tenant ${tenant} answered ${saved.status}: ${await saved.text()}`);
  }
}
