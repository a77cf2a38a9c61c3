/**
 * @module conformance/suite-context — the state every case group shares, filled in `beforeAll`.
 */
import { expect } from "vitest";
import type { CrmSimulator } from "../crm-simulator/simulator.js";
import type { IncomingBody, PluginRef, RecordedRequest, SendBody, StatusValue } from "../crm-simulator/types.js";
import type { ConformanceHarness, TenantIndex } from "./harness.js";
import { uniqueId } from "../util/unique-id.js";

/** The two tenants every suite registers: company A (index 0) and company B (index 1). */
export const CONFORMANCE_TENANTS: readonly [PluginRef, PluginRef] = [
  { companyId: "1001", pluginAlias: "switchboard-conformance", pluginId: "11" },
  { companyId: "2002", pluginAlias: "switchboard-conformance", pluginId: "22" },
];

/** A company that is never registered. */
export const UNREGISTERED_TENANT: PluginRef = {
  companyId: "3003",
  pluginAlias: "switchboard-conformance",
  pluginId: "33",
};

/** How long the suite waits for asynchronous effects (sends, statuses, incoming). */
export const WAIT_MS = 10_000;

/** Shared state of a running suite. */
export interface SuiteContext {
  harness: ConformanceHarness;
  crm: CrmSimulator;
  gatewayUrl: string;
}

// Cases import the process-wide unique id from here, with the rest of what they share.
export { uniqueId };

/** The plugin reference of a suite tenant. */
export function refOf(tenant: TenantIndex): PluginRef {
  return CONFORMANCE_TENANTS[tenant];
}

/** A plain-text outgoing message for the harness's contact. */
export function textMessage(ctx: SuiteContext, id: string, text: string): SendBody {
  return {
    chat: { id: `chat-${id}`, contact: ctx.harness.contact, subject: null },
    message: { id, content: { text, format: "text" }, attachments: [] },
  };
}

/** How many accepted provider sends of a tenant contain `text`. */
export function timesSent(ctx: SuiteContext, tenant: TenantIndex, text: string): number {
  return ctx.harness.sentTexts(tenant).filter((t) => t.includes(text)).length;
}

/** Sends a text as the CRM (asserting 202) and waits until the CRM hears `sent` for it. */
export async function sendAndWaitSent(ctx: SuiteContext, tenant: TenantIndex, text: string): Promise<string> {
  const id = uniqueId("marker");
  const res = await ctx.crm.send(ctx.gatewayUrl, refOf(tenant), textMessage(ctx, id, text));
  if (res.status !== 202) throw new Error(`send answered ${res.status}: ${await res.text()}`);
  await ctx.crm.waitFor(() => ctx.crm.statusesOf(id).includes("sent"), WAIT_MS);
  return id;
}

/** Incoming CRM calls whose text contains `marker`. */
export function incomingWith(ctx: SuiteContext, marker: string): RecordedRequest<IncomingBody>[] {
  return ctx.crm.incoming.filter((r) => r.body.message.content?.text.includes(marker));
}

/** Waits until the CRM got a customer message containing `marker`; returns the first. */
export function waitIncoming(ctx: SuiteContext, marker: string): Promise<RecordedRequest<IncomingBody>> {
  return ctx.crm.waitFor(() => incomingWith(ctx, marker)[0], WAIT_MS);
}

/** The `extra.capabilities` the gateway's `/info` declares. */
export interface DeclaredCapabilities {
  messages: { statuses: StatusValue[] } & Record<string, unknown>;
  attachments: string[];
}

/** Reads `extra.capabilities` from `GET /info`. */
export async function capabilitiesOf(ctx: SuiteContext): Promise<DeclaredCapabilities> {
  const res = await ctx.crm.getInfo(ctx.gatewayUrl);
  if (res.status !== 200) throw new Error(`GET /info answered ${res.status}`);
  return ((await res.json()) as { extra: { capabilities: DeclaredCapabilities } }).extra.capabilities;
}

/** Expects a `{code, message}` JSON answer with the response's own status as its code. */
export async function expectErrorJson(res: Response): Promise<void> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await res.json()).toMatchObject({ code: res.status, message: expect.any(String) });
}

/** Expects a webhook's refusal of forged credentials: 401/403, or 404 when a URL token finds the tenant. */
export async function expectRefused(ctx: SuiteContext, res: Response): Promise<void> {
  // A token in the URL is what finds the tenant: a wrong one is no webhook at all.
  const refusals = ctx.harness.webhook.authentication === "signature" ? [401, 403] : [404];
  expect(refusals, await res.clone().text()).toContain(res.status);
  await expectErrorJson(res);
}

/** Expects a webhook's answer to be a 2xx acknowledgement. */
export async function expectAcknowledged(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
}
