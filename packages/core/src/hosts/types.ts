/**
 * @module hosts/types — the contract a CRM host implements (SalesRender, Bitrix24): how its tenants
 * come to be, its routes, how outbox requests reach it; and what core gives a host back.
 */
import type { PurgeHook } from "../retention/purge-hook.js";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { CoreConfig } from "../env.js";
import type {
  AnyGateway,
  FileResolver,
  FileResponse,
  GatewayInstance,
  GatewayRuntime,
  Tenant,
} from "../gateway/types.js";
import type { Language } from "../i18n.js";
import type { Attachment, ChatMessage, Message, MessageContent, MessageStatus } from "../protocol/chat.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { SettingsData } from "../settings/form.js";

/** A customer's message for the CRM, as the outbox stores it (the body rows stored before hosts existed carry too). */
export interface IncomingRequestBody {
  chat: { id: string | null; contact: string; subject: string | null };
  message: { content: MessageContent | null; attachments: Attachment[] };
  /** The customer's name as the channel gave it (`IncomingMessage.customer`), when it did. */
  customer?: { name: string };
}

/** A status of one of the CRM's messages, as the outbox stores it. */
export interface StatusRequestBody {
  /** The CRM's id of the message. */
  id: string;
  status: MessageStatus;
  /** Why, for `error` (the failure the send ended with, or the channel's reason). */
  reason?: string;
  /** The ids the channel gave the message's parts, when it took any. */
  channelIds?: string[];
  /** What the host stored with the message when it accepted it (`messages.accept`'s `hostData`). */
  hostData?: unknown;
  /** Set when the status is the outcome of an edit (`messages.edit`), not of the first send. */
  operation?: "edit";
}

/**
 * What became of a `messages.edit` / `messages.remove`: `queued` (stored, carried out from the send
 * queue), `repeated` (this operation key was stored before), `unknown` (no message with that CRM id),
 * `failed` (the message itself was never sent), `unsupported` (the channel cannot; logged only).
 */
export type OperationOutcome = "queued" | "repeated" | "unknown" | "failed" | "unsupported";

/** Options of `messages.edit` / `messages.remove`. */
export interface OperationOptions {
  /** The host's idempotency key of the event: the same key for the same message is stored once. */
  operationKey: string;
  /** Kept with the operation and carried into its status (default: the message's own host data). */
  hostData?: unknown;
}

/** One stored request for the CRM, host-neutral: the host turns it into its wire form in `deliver`. */
export type OutboxRequest =
  { kind: "incoming"; body: IncomingRequestBody } | { kind: "status"; body: StatusRequestBody };

/** Passed to `deliver`: whom the request is for, which try this is, a logger and the shutdown signal. */
export interface DeliveryContext {
  tenant: Tenant;
  /**
   * This request's own id, the same on every attempt and never given to another request of this
   * deployment: a host that names what it sends (Bitrix24's `message.id`) uses it, so a retry after
   * a lost answer names the same message again instead of a new one.
   */
  requestId: string;
  /** 1 for the first try. */
  attempt: number;
  logger: Logger;
  signal: AbortSignal;
}

/** What a host's `setup` returns: its routes and how it delivers the outbox's requests. */
export interface HostInstance {
  /** Mounted under LV_PLUGIN_SELF_URI's path; the host declares its own Env (core sets `language`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  routes?: Hono<any, any, any>;
  /**
   * Delivers one stored request to the CRM. Resolve when the CRM took it; throw a core error
   * (`SwitchboardError`): retryable → tried again with backoff until it expires, not retryable →
   * dropped with a warning (the CRM refused it for good). Anything else thrown is retried.
   */
  deliver(request: OutboxRequest, ctx: DeliveryContext): Promise<void>;
  /** The outbox's per-group concurrency cap: tenants of one group share it (default: the host name). */
  groupOf?(tenant: Tenant): string | Promise<string>;
  /** Resolvers of signed file links of kinds this host serves (Bitrix24: operator files), by kind. */
  files?: Record<string, FileResolver>;
  /** Deletes the host's own rows past their retention, in each pass of the retention schedule. */
  purge?: PurgeHook;
  /** Called on shutdown, after the outbox stopped. */
  close?(): Promise<void> | void;
}

/** Files as a host handles them: the gateway's signed links, and the store behind them by id. */
export interface HostFiles extends Pick<GatewayRuntime["files"], "link" | "store"> {
  /** Stores bytes for the tenant (within its quota: `FileQuotaExceededError`) and returns the file's id. */
  put(tenant: Tenant, file: { name: string; contentType: string; data: Uint8Array }): Promise<string>;
  /** Opens a file stored for the tenant, or undefined (unknown, another tenant's, older than `maxAgeMs`). */
  open(tenant: Tenant, id: string, options?: { maxAgeMs?: number }): Promise<FileResponse | undefined>;
}

/** Everything core gives a host at run time; tenants are those of this host only. */
export interface HostRuntime {
  config: CoreConfig;
  logger: Logger;
  /** The SQLite database, for the host's own tables (created by its migrations). */
  db: Database;
  /** Encryption at rest for the host's secrets; list their columns in `secretColumns`. */
  secrets: SecretBox;
  /** An absolute public URL under LV_PLUGIN_SELF_URI for a relative path (no leading slash). */
  publicUrl(path: string): string;
  /** The gateway's static half: name, info, icon, contact type, capabilities, settings form. */
  gateway: AnyGateway;
  /** The running gateway's settings-form pieces. */
  ui: Pick<GatewayInstance, "previews" | "autocompletes">;
  tenants: {
    /** The tenant of this host's `key`, created on first use; `init.country` replaces the stored country. */
    open(key: string, init?: { country?: string }): Promise<Tenant>;
    /** The tenant of this host's `key`, or undefined. */
    get(key: string): Promise<Tenant | undefined>;
    /** The tenant with this id, if it belongs to this host. */
    byId(id: number): Promise<Tenant | undefined>;
    /** The tenant with this public id, if it belongs to this host. */
    byPublicId(publicId: string): Promise<Tenant | undefined>;
    /** Every tenant of this host. */
    all(): Promise<Tenant[]>;
  };
  settings: {
    /** The tenant's stored settings with passwords masked, as the CRM may see them. */
    masked(tenant: Tenant): Promise<SettingsData>;
    /**
     * Checks submitted settings against the form (stored passwords kept when omitted), runs the
     * gateway's `verifySettings`, stores them and calls `settingsSaved`; answers the masked data.
     * Throws `SettingsValidationError` (its texts translated by core's error handler).
     */
    save(tenant: Tenant, input: unknown, language: Language): Promise<SettingsData>;
  };
  messages: {
    /**
     * Puts an outgoing message into the send queue, durably before it resolves. False when this
     * tenant already gave a message with this CRM message id. A database refusing writes throws
     * (`isStorageUnavailable`): answer 503 so the CRM retries.
     */
    accept(tenant: Tenant, message: ChatMessage, options?: { hostData?: unknown }): Promise<boolean>;
    /**
     * Stores, durably before it resolves, a change of the message the CRM gave as `crmMessageId` to
     * new content; the queue carries it out after the message itself (never overtaking it), with
     * retries, and reports a `sent` (or `error`) status with `operation: "edit"` and the new ids.
     */
    edit(
      tenant: Tenant,
      crmMessageId: string,
      message: Pick<Message, "content" | "attachments">,
      options: OperationOptions,
    ): Promise<OperationOutcome>;
    /** Stores, durably, the deletion of the message `crmMessageId` (carried out like `edit`; no status). */
    remove(tenant: Tenant, crmMessageId: string, options: OperationOptions): Promise<OperationOutcome>;
  };
  files: HostFiles;
}

/** A CRM host: its name (stored as `tenants.host`), its own tables and environment, and `setup`. */
export interface HostDefinition<E = void, I extends HostInstance = HostInstance> {
  /** Short machine name: `salesrender`, `bitrix24` (`tenants.host`, `SWITCHBOARD_HOSTS`). */
  name: string;
  /** The host's drizzle migrations folder (absolute path): applied after core's, before the gateway's. */
  migrationsFolder?: string;
  /** The same migrations for PostgreSQL (`drizzle-pg/`): required on PostgreSQL when `migrationsFolder` is given. */
  postgresMigrationsFolder?: string;
  /** Text columns of the host's tables holding sealed secrets; re-encrypted at start after a key rotation. */
  secretColumns?: AnySQLiteColumn[];
  /** Reads the host's environment from the same record as core's; throw to refuse it (one configuration line). */
  readEnv?(source: Record<string, string | undefined>): E;
  /** Builds the running host; everything stateful lives in its closure. */
  setup(runtime: HostRuntime, env: E): I | Promise<I>;
}

/** A host definition as core's wiring sees it, whatever its environment and instance types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHost = HostDefinition<any, any>;
