/**
 * @module conformance/run-conformance-suite — the cases every gateway must pass, driven through a
 * harness, once per CRM host.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { attachmentInCases } from "./cases/attachments-in.js";
import { attachmentOutCases } from "./cases/attachments-out.js";
import { channelStatusCases } from "./cases/channel-statuses.js";
import { deliveryCases } from "./cases/delivery.js";
import { inboundWebhookCases } from "./cases/inbound-webhook.js";
import { incomingCases } from "./cases/incoming.js";
import { isolationCases } from "./cases/isolation.js";
import { CONFORMANCE_HOSTS, type ConformanceHost, type CrmSide, type CrmSideDefinition } from "./crm-side.js";
import {
  CONFORMANCE_STORES,
  openStore,
  storeAvailable,
  type ConformanceStore,
  type OpenedStore,
} from "./conformance-store.js";
import type { ConformanceHarness } from "./harness.js";
import { bitrix24Side } from "./sides/bitrix24-side.js";
import { isSalesRenderSide, salesRenderSide } from "./sides/salesrender-side.js";
import type { SalesRenderContext, SuiteContext } from "./suite-context.js";

const SIDES = new Map<ConformanceHost, CrmSideDefinition>([
  ["salesrender", salesRenderSide],
  ["bitrix24", bitrix24Side],
]);

/** Which runs {@link runConformanceSuite} defines. */
export interface ConformanceRuns {
  /** The CRM hosts to drive (default: every host). */
  hosts?: readonly ConformanceHost[];
  /**
   * The stores to run on (default: both). PostgreSQL runs need a server (Debian's `postgresql`
   * binaries or `SWITCHBOARD_TEST_DATABASE_URL`): without one they are skipped with one line,
   * except under `CI=true`, where that fails.
   */
  stores?: readonly ConformanceStore[];
}

/**
 * Defines the conformance suite (vitest `describe`/`it`) for one gateway, once per host in
 * `hosts` and store in `stores` (default: every host, both stores). Each run starts the fakes of every host (the gateway serves them
 * all: `SWITCHBOARD_HOSTS=salesrender,bitrix24`), starts the gateway, brings two companies into
 * being on the host it drives and saves their valid settings. The channel-side cases are the same for
 * every host, asserted against its CRM side; each host adds its own protocol cases. Cases run in order
 * and share that gateway; each waits for its own effects.
 * @example
 * runConformanceSuite({ name: "telegram", start: async (crm) => { ... }, validSettings, contact, ... });
 */
export function runConformanceSuite(
  harness: ConformanceHarness,
  { hosts = CONFORMANCE_HOSTS, stores = CONFORMANCE_STORES }: ConformanceRuns = {},
): void {
  for (const store of stores) {
    const available = storeAvailable(store);
    for (const host of hosts) {
      const definition = SIDES.get(host);
      if (!definition) throw new Error(`No conformance CRM side for host ${host}`);
      describe.skipIf(!available)(`${harness.name} conformance (${host}, ${store})`, () =>
        runFor(harness, definition, store),
      );
    }
  }
}

function runFor(harness: ConformanceHarness, definition: CrmSideDefinition, store: ConformanceStore): void {
  // Filled in beforeAll; the case groups only read it inside their tests.
  const ctx = { harness } as SuiteContext;
  let sides: CrmSide[] = [];
  let stopGateway: (() => Promise<void>) | undefined;
  let opened: OpenedStore | undefined;

  beforeAll(async () => {
    opened = await openStore(store);
    sides = await Promise.all([...SIDES.values()].map((d) => d.start({ contact: harness.contact })));
    const side = sides.find((s) => s.host === definition.host)!;
    ctx.side = side;
    if (isSalesRenderSide(side)) (ctx as SalesRenderContext).crm = side.simulator;
    const env = Object.assign(
      { SWITCHBOARD_HOSTS: sides.map((s) => s.host).join(",") },
      ...sides.map((s) => s.env),
    ) as Record<string, string>;
    const started = await harness.start({
      host: side.host,
      env,
      store: { kind: store, env: opened.env },
      tenantKey: (tenant) => side.tenantKey(tenant),
      preview: (tenant, previewer) => side.preview(tenant, previewer),
    });
    stopGateway = started.stop;
    ctx.gatewayUrl = started.gatewayUrl.replace(/\/+$/, "") + "/";
    await side.setUp(ctx.gatewayUrl, (tenant) => harness.validSettings(tenant));
  });

  afterAll(async () => {
    await stopGateway?.();
    await Promise.all(sides.map((s) => s.close()));
    await opened?.close();
  });

  definition.protocolCases(ctx);
  describe("outgoing messages", () => deliveryCases(ctx, definition.differences));
  describe("incoming messages", () => incomingCases(ctx));
  describe("inbound webhook", () => inboundWebhookCases(ctx));
  describe("incoming attachments", () => attachmentInCases(ctx, definition.differences));
  describe("outgoing attachments", () => attachmentOutCases(ctx));
  describe("channel statuses", () => channelStatusCases(ctx));
  describe("tenant isolation", () => isolationCases(ctx));
}
