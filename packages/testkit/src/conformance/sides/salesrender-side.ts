/**
 * @module conformance/sides/salesrender-side — the SalesRender CRM side: the CRM simulator registers
 * the companies, saves settings through the JSON routes, posts `/special/send` and hears the
 * gateway's signed `incoming` and `status` calls.
 */
import { describe, expect } from "vitest";
import { startCrmSimulator, type CrmSimulator } from "../../crm-simulator/simulator.js";
import type { PluginRef } from "../../crm-simulator/types.js";
import { startFileServer } from "../../util/file-server.js";
import { uniqueId } from "../../util/unique-id.js";
import { publicRouteCases } from "../cases/public-routes.js";
import { sendValidationCases } from "../cases/send-validation.js";
import { settingsCases } from "../cases/settings.js";
import type { CrmSide, CrmSideDefinition, HeardIncoming } from "../crm-side.js";
import type { TenantIndex } from "../harness.js";
import { CONFORMANCE_TENANTS, type SalesRenderContext, type SuiteContext } from "../suite-context.js";

/** The SalesRender tenant key of a plugin reference (host-salesrender's `salesRenderTenantKey`). */
function tenantKeyOf(ref: PluginRef): string {
  return [ref.companyId, ref.pluginAlias, ref.pluginId].map(encodeURIComponent).join("/");
}

function tenantOf(ref: PluginRef): TenantIndex | undefined {
  const index = CONFORMANCE_TENANTS.findIndex(
    (t) => t.companyId === ref.companyId && t.pluginAlias === ref.pluginAlias && t.pluginId === ref.pluginId,
  );
  return index === 0 || index === 1 ? index : undefined;
}

/** The SalesRender side of a run, with its simulator (the SalesRender protocol cases use it directly). */
export interface SalesRenderSide extends CrmSide {
  readonly simulator: CrmSimulator;
}

/** Whether a side is SalesRender's. */
export function isSalesRenderSide(side: CrmSide): side is SalesRenderSide {
  return side.host === "salesrender";
}

/** The SalesRender host: the CHAT plugin protocol against the CRM simulator. */
export const salesRenderSide: CrmSideDefinition = {
  host: "salesrender",
  differences: { failedSend: "error status", distinctStatuses: true, attachmentTypes: true },
  start: startSalesRenderSide,
  protocolCases(ctx: SuiteContext) {
    // Filled in beforeAll with the simulator of this run.
    const sr = ctx as SalesRenderContext;
    describe("public routes and registration", () => publicRouteCases(sr));
    describe("settings", () => settingsCases(sr));
    describe("send validation", () => sendValidationCases(sr));
  },
};

async function startSalesRenderSide(options: { contact: string }): Promise<SalesRenderSide> {
  const crm = await startCrmSimulator();
  // The CRM's file storage, where the gateway downloads an operator's attachments.
  const storage = await startFileServer();
  let gatewayUrl = "";
  const refOf = (tenant: TenantIndex) => CONFORMANCE_TENANTS[tenant];
  const textMessage = (id: string, text: string) => ({
    chat: { id: `chat-${id}`, contact: options.contact, subject: null },
    message: { id, content: { text, format: "text" }, attachments: [] },
  });
  return {
    host: "salesrender",
    simulator: crm,
    env: { ...crm.env },
    tenantKey: (tenant) => ({ host: "salesrender", key: tenantKeyOf(refOf(tenant)) }),
    async preview(tenant, previewer) {
      const res = await crm.request(gatewayUrl, refOf(tenant), "GET", `protected/preview/markdown/${previewer}`);
      if (res.status !== 200) throw new Error(`the ${previewer} preview answered ${res.status}`);
      return ((await res.json()) as { markdown: string }).markdown;
    },
    async setUp(url, settings) {
      gatewayUrl = url;
      for (const tenant of [0, 1] as TenantIndex[]) {
        const registered = await crm.register(url, refOf(tenant));
        if (registered.status !== 200) {
          throw new Error(`Registering tenant ${tenant} answered ${registered.status}: ${await registered.text()}`);
        }
        const saved = await crm.putSettings(url, refOf(tenant), settings(tenant));
        if (saved.status !== 200) {
          throw new Error(`Saving valid settings of tenant ${tenant} answered ${saved.status}: ${await saved.text()}`);
        }
      }
    },
    async send(tenant, text) {
      const id = uniqueId("send");
      const post = async () => {
        const res = await crm.send(gatewayUrl, refOf(tenant), textMessage(id, text));
        if (res.status !== 202) throw new Error(`send answered ${res.status}: ${await res.text()}`);
      };
      await post();
      return { id, repeat: post };
    },
    async sendFile(tenant, text, file) {
      const id = uniqueId("send-file");
      const uri = storage.put(`${id}-${file.name}`, file.data, file.contentType);
      const body = {
        ...textMessage(id, text),
        message: {
          id,
          content: { text, format: "text" },
          attachments: [{ name: file.name, uri, type: "image" }],
        },
      };
      const res = await crm.send(gatewayUrl, refOf(tenant), body);
      if (res.status !== 202) throw new Error(`send answered ${res.status}: ${await res.text()}`);
      return {
        id,
        async repeat() {
          await crm.send(gatewayUrl, refOf(tenant), body);
        },
      };
    },
    // The simulator holds one failure switch for both companies: the suite's next incoming is the one refused.
    refuseNextIncoming() {
      const refused = () =>
        crm.events.filter((e) => e.kind === "incoming" && e.error === "simulated CRM failure").length;
      const before = refused();
      crm.fail({ status: 503, times: 1, only: "incoming" });
      return () => refused() - before;
    },
    heard: (id) => crm.statusesOf(id),
    expected: (statuses) => [...statuses],
    statusTenants: (id) => crm.statuses.filter((s) => s.body.id === id).map((s) => tenantOf(s.ref)),
    incoming: (): HeardIncoming[] =>
      crm.incoming.map((r) => ({
        tenant: tenantOf(r.ref),
        text: r.body.message.content?.text ?? "",
        attachments: (r.body.message.attachments ?? []).map((a) => ({ name: a.name, uri: a.uri, type: a.type })),
      })),
    expectIncomingWire(tenant, text) {
      const rec = crm.incoming.find((r) => r.body.message.content?.text.includes(text));
      expect(rec?.ref).toEqual(refOf(tenant));
      expect(rec!.body.chat.contact).toEqual(expect.any(String));
      expect(rec!.body.message).not.toHaveProperty("id");
      // The protocol's body is `{chat, message}`: a customer's name other hosts get stays out.
      expect(Object.keys(rec!.body).sort()).toEqual(["chat", "message"]);
      expect(rec!.claims).toMatchObject({ iss: gatewayUrl, aud: crm.url });
    },
    async close() {
      await crm.close();
      await storage.close();
    },
  };
}
