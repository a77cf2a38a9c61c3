/**
 * @module crm-simulator/types — the shapes the CRM simulator records and hands out.
 */

/** One plugin instance of one company (the protocol's plugin reference); ids are strings. */
export interface PluginRef {
  companyId: string;
  pluginAlias: string;
  pluginId: string;
}

/** The `body` claim of `POST /special/send` (§5.7); loose on purpose so tests can send odd values. */
export interface SendBody {
  chat: { id?: string | null; contact: string; subject?: string | null };
  message: {
    id?: string | null;
    content?: { text: string; format: string } | null;
    attachments?: Array<{ name: string; uri: string; type: string }>;
  };
}

/** The `body` claim of an incoming customer message the gateway PUTs to the CRM (§6.1). */
export interface IncomingBody {
  chat: { id?: string | null; contact: string; subject?: string | null };
  message: {
    content: { text: string; format: string } | null;
    attachments?: Array<{ name: string; uri: string; type: string }>;
  };
}

/** Statuses a gateway may report (§6.2). */
export type StatusValue = "sent" | "delivered" | "read" | "error";

/** The `body` claim of a message status the gateway PATCHes to the CRM (§6.2). */
export interface StatusBody {
  id: string;
  status: StatusValue;
}

/** A request from the gateway that passed verification. */
export interface RecordedRequest<B> {
  /** Tenant taken from the verified token's `cid` / `plugin` claims. */
  ref: PluginRef;
  /** The verified token's `body` claim. */
  body: B;
  /** Every claim of the verified token. */
  claims: Record<string, unknown>;
  /** Other top-level keys of the HTTP body (e.g. `__task`). */
  envelope: Record<string, unknown>;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  /** `Date.now()` when it arrived. */
  receivedAt: number;
}

/** A request from the gateway the simulator refused (bad token, bad body, unknown route). */
export interface RejectedRequest {
  method: string;
  path: string;
  /** The status the simulator answered. */
  status: number;
  /** Why, in words (never includes a secret). */
  reason: string;
  /** The parsed HTTP body, if it was JSON. */
  body: unknown;
  at: number;
}

/** What kind of protocol call an event is. */
export type CrmEventKind =
  | "info"
  | "registration"
  | "settings-form"
  | "settings-get"
  | "settings-put"
  | "send"
  | "protected"
  | "pkey"
  | "incoming"
  | "status"
  | "unknown";

/** One protocol call, either way, for logs and the sandbox's event panel; logged when it completes. */
export interface CrmEvent {
  /** Increasing number, unique per simulator. */
  seq: number;
  at: number;
  /** `to-gateway`: the CRM called the gateway; `from-gateway`: the gateway called the CRM. */
  direction: "to-gateway" | "from-gateway";
  kind: CrmEventKind;
  method: string;
  url: string;
  ref?: PluginRef;
  /** Decoded claims of the token carried by the call (never the signature or an HPT). */
  claims?: Record<string, unknown>;
  requestBody?: unknown;
  /** Answer status; 0 when there was no answer (connection refused, …). */
  status: number;
  responseBody?: unknown;
  /** Rejection reason or network error. */
  error?: string;
}

/** How the CRM answers the gateway's incoming/status calls while failing (see `CrmSimulator.fail`). */
export interface FailureMode {
  /** Answer this status (with a `{code, message}` body) instead of handling the request. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Only affect the next N requests, then recover by itself (default: until `recover()`). */
  times?: number;
  /** Only affect this endpoint (default: both). */
  only?: "incoming" | "status";
}
