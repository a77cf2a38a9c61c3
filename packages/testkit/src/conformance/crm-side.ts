/**
 * @module conformance/crm-side — the host-neutral "CRM side" the cases drive: how a company comes
 * into being, how its operator sends, what the CRM hears back (statuses, customer messages), and
 * what the host does differently, declared so a case asserts the host's own behaviour instead of
 * being skipped.
 */
import type { StatusValue } from "../crm-simulator/types.js";
import type { ConformanceStore } from "./conformance-store.js";
import type { CustomerFile, TenantIndex } from "./harness.js";
import type { SuiteContext } from "./suite-context.js";

/** The CRM hosts the suite drives. */
export type ConformanceHost = "salesrender" | "bitrix24";

/** Every host the suite knows, in the order it runs them. */
export const CONFORMANCE_HOSTS: readonly ConformanceHost[] = ["salesrender", "bitrix24"];

/** What the harness's `start` gets: the gateway's environment for both hosts, and the tenant names of this run. */
export interface ConformanceCrm {
  /** The host the cases drive in this run (the gateway serves both). */
  readonly host: ConformanceHost;
  /** Environment for `startGateway({ env })`: both hosts' variables; pass it through {@link conformanceEnv}. */
  readonly env: Record<string, string>;
  /** The store this run's gateway uses and the variables naming it ({@link conformanceEnv} passes them on). */
  readonly store: { readonly kind: ConformanceStore; readonly env: Record<string, string> };
  /** The tenant `(host, key)` of a suite company in this run (core's `runtime.tenants.byKey(host, key)`). */
  tenantKey(tenant: TenantIndex): { host: ConformanceHost; key: string };
  /** The text a settings preview of the company shows (SalesRender: its markdown; Bitrix24: the settings page). */
  preview(tenant: TenantIndex, previewer: string): Promise<string>;
}

/**
 * What the CRM hears for a message its operator sent. SalesRender hears each status as it is;
 * Bitrix24 has one `imconnector.send.status.delivery` for sent, delivered and read (`delivery`) and
 * no error status: a failed send is a system message to the operator in the chat (`operator notice`).
 */
export type HeardStatus = StatusValue | "delivery" | "operator notice";

/** How a host differs from the SalesRender protocol, as the cases assert it. */
export interface HostDifferences {
  /** How the CRM learns a send failed: an `error` status, or a notice to the operator in the chat. */
  failedSend: "error status" | "operator notice";
  /** Whether the CRM tells sent, delivered and read apart (Bitrix24: one delivery mark for all). */
  distinctStatuses: boolean;
  /** Whether a customer's file reaches the CRM with an attachment type (Bitrix24's `files[]`: url and name only). */
  attachmentTypes: boolean;
}

/** A customer message as the CRM received it. */
export interface HeardIncoming {
  /** Which suite company it reached (undefined: none of them). */
  tenant: TenantIndex | undefined;
  text: string;
  attachments: Array<{ name: string; uri: string; type?: string }>;
}

/** A message the operator sent through the CRM. */
export interface OperatorSend {
  /** The CRM's message id (SalesRender: the message id; Bitrix24: `im.message_id`). */
  id: string;
  /** Posts the same request again, as the CRM redelivers it; the gateway must acknowledge it. */
  repeat(): Promise<void>;
}

/** A host's CRM side before it runs: what the suite needs while it defines the cases. */
export interface CrmSideDefinition {
  readonly host: ConformanceHost;
  readonly differences: HostDifferences;
  /** Starts the host's fakes; `contact` is the harness's customer. */
  start(options: { contact: string }): Promise<CrmSide>;
  /** The host's own protocol cases (vitest `it`s), defined in its run only; they read `ctx.side` in their tests. */
  protocolCases(ctx: SuiteContext): void;
}

/** One host's CRM side, for one run of the suite. */
export interface CrmSide {
  readonly host: ConformanceHost;
  /** The variables the gateway needs to serve this host (the suite joins every host's). */
  readonly env: Record<string, string>;
  /** See {@link ConformanceCrm.tenantKey}. */
  tenantKey: ConformanceCrm["tenantKey"];
  /** See {@link ConformanceCrm.preview}. */
  preview: ConformanceCrm["preview"];
  /** Brings both companies into being on the gateway and saves their valid settings. */
  setUp(gatewayUrl: string, settings: (tenant: TenantIndex) => Record<string, Record<string, unknown>>): Promise<void>;
  /** The operator sends `text` to the harness's contact; resolves once the gateway accepted it. */
  send(tenant: TenantIndex, text: string): Promise<OperatorSend>;
  /**
   * The operator sends `text` with a file (SalesRender: an `image` attachment on the CRM's file
   * storage; Bitrix24: an operator file the portal serves, `files[][link]`).
   */
  sendFile(tenant: TenantIndex, text: string, file: CustomerFile): Promise<OperatorSend>;
  /**
   * The CRM refuses the next customer message for `tenant` for a moment, as it does under load
   * (SalesRender: 503; Bitrix24: `503 QUERY_LIMIT_EXCEEDED` on `imconnector.send.messages`).
   * Returns how many of the gateway's calls the CRM has refused so since.
   */
  refuseNextIncoming(tenant: TenantIndex): () => number;
  /** What the CRM heard for one of its messages, in order. */
  heard(id: string): HeardStatus[];
  /** What this host hears for these gateway statuses, in order. */
  expected(statuses: StatusValue[]): HeardStatus[];
  /** Which company a status the CRM heard for `id` went to (every one of them). */
  statusTenants(id: string): (TenantIndex | undefined)[];
  /** Customer messages the CRM received, oldest first. */
  incoming(): HeardIncoming[];
  /** The host's own wire checks of a customer message it received for `tenant` (the one containing `text`). */
  expectIncomingWire(tenant: TenantIndex, text: string, customerName?: string): void;
  close(): Promise<void>;
}
