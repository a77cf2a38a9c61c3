/**
 * @module conformance/suite-context — the state every case group shares, filled in `beforeAll`.
 */
import { expect } from "vitest";
import type { CrmSimulator } from "../crm-simulator/simulator.js";
import type { PluginRef, SendBody, StatusValue } from "../crm-simulator/types.js";
import { uniqueId } from "../util/unique-id.js";
import { waitFor } from "../util/wait-for.js";
import type { CrmSide, HeardIncoming } from "./crm-side.js";
import type { ConformanceHarness, TenantIndex } from "./harness.js";

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
  /** The CRM side this run drives. */
  side: CrmSide;
  gatewayUrl: string;
}

/** The context of a SalesRender run: its CRM simulator, for the SalesRender protocol cases. */
export interface SalesRenderContext extends SuiteContext {
  crm: CrmSimulator;
}

// Cases import the process-wide unique id from here, with the rest of what they share.
export { uniqueId };

/** The plugin reference of a suite tenant. */
export function refOf(tenant: TenantIndex): PluginRef {
  return CONFORMANCE_TENANTS[tenant];
}

/** A plain-text outgoing message for the harness's contact, as SalesRender posts it. */
export function textMessage(ctx: SuiteContext, id: string, text: string): SendBody {
  return {
    chat: { id: `chat-${id}`, contact: ctx.harness.contact, subject: null },
    message: { id, content: { text, format: "text" }, attachments: [] },
  };
}

/** Waits (polling, never sleeping a fixed time) until `predicate` holds; returns its value. */
export function waitUntil<T>(predicate: () => T | Promise<T>, what: string) {
  return waitFor(predicate, { timeoutMs: WAIT_MS, message: what });
}

/** How many accepted provider sends of a tenant contain `text`. */
export function timesSent(ctx: SuiteContext, tenant: TenantIndex, text: string): number {
  return ctx.harness.sentTexts(tenant).filter((t) => t.includes(text)).length;
}

/** Waits until the CRM heard exactly what its host hears for these gateway statuses of message `id`. */
export async function waitHeard(ctx: SuiteContext, id: string, statuses: StatusValue[]): Promise<void> {
  const expected = ctx.side.expected(statuses);
  await waitUntil(
    () => JSON.stringify(ctx.side.heard(id)) === JSON.stringify(expected),
    `${ctx.side.host} to hear ${JSON.stringify(expected)} for ${id} (heard ${JSON.stringify(ctx.side.heard(id))})`,
  );
}

/** The operator sends a text, and this waits until the CRM hears `sent` for it; returns its CRM id. */
export async function sendAndWaitSent(ctx: SuiteContext, tenant: TenantIndex, text: string): Promise<string> {
  const { id } = await ctx.side.send(tenant, text);
  await waitHeard(ctx, id, ["sent"]);
  return id;
}

/** Customer messages the CRM got whose text contains `marker`. */
export function incomingWith(ctx: SuiteContext, marker: string): HeardIncoming[] {
  return ctx.side.incoming().filter((r) => r.text.includes(marker));
}

/** Waits until the CRM got a customer message containing `marker`; returns the first. */
export function waitIncoming(ctx: SuiteContext, marker: string): Promise<HeardIncoming> {
  return waitUntil(() => incomingWith(ctx, marker)[0], `a customer message with ${marker} in ${ctx.side.host}`);
}

/** The `extra.capabilities` the gateway's `/info` declares. */
export interface DeclaredCapabilities {
  messages: { statuses: StatusValue[] } & Record<string, unknown>;
  attachments: string[];
}

/** Reads `extra.capabilities` from `GET /info`. */
export async function capabilitiesOf(ctx: SuiteContext): Promise<DeclaredCapabilities> {
  // The gateway's own description; SalesRender's /info serves it whichever host a run drives.
  const res = await fetch(new URL("info", ctx.gatewayUrl));
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
