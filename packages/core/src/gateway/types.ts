/**
 * @module gateway/types — the one contract a channel gateway implements, and what core gives it back.
 */
import type { Readable } from "node:stream";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { Language, Text } from "../i18n.js";
import type { AttachmentType, Chat, ChatMessage, Message, MessageFormat, MessageStatus } from "../protocol/chat.js";
import type { PluginReference } from "../protocol/reference.js";
import type { SettingsData, SettingsForm } from "../settings/form.js";
import type { CoreConfig } from "../env.js";
import type { Database } from "../db/client.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";

/** What `/info` says the gateway can do (`extra.capabilities`, §9). */
export interface Capabilities {
  subject: boolean;
  typing?: boolean;
  messages: {
    formats: MessageFormat[];
    incoming: boolean;
    outgoing: boolean;
    writeFirst: boolean;
    statuses: MessageStatus[];
  };
  attachments: AttachmentType[];
}

/** Who made the plugin (`/info` `developer`). */
export interface Developer {
  name: string;
  email: string;
  hostname: string;
}

/** One registered tenant as a gateway sees it. */
export interface Tenant<S extends SettingsData = SettingsData> {
  ref: PluginReference;
  /** Random, stable, URL-safe id of this tenant, for webhook URLs (never the company id). */
  publicId: string;
  settings: S;
  /** Registration data from the CRM (country, currency, cluster URI). */
  registration: { country: string; currency: string; clusterUri: string };
}

/** An outgoing message taken from the queue. */
export interface OutgoingMessage extends ChatMessage {
  /** Queue row id, unique per deployment. */
  queueId: number;
  /** 1 for the first try. */
  attempt: number;
}

/** What a successful send returns: the channel's message id(s) and details worth storing. */
export type SendResult =
  | string
  | {
      /** Ids the channel gave the message (several when it was split); statuses are reported by them. */
      ids: string[];
      /** Stored with the message as JSON (e.g. SMS segment count and encoding). */
      details?: Record<string, unknown>;
    };

/** Passed to `send`: the tenant, core services, a logger and an abort signal for shutdown. */
export interface SendContext<S extends SettingsData = SettingsData> {
  tenant: Tenant<S>;
  runtime: GatewayRuntime<S>;
  logger: Logger;
  signal: AbortSignal;
}

/** A message from a customer, to forward to the CRM. */
export interface IncomingMessage {
  chat: { id?: string | null; contact: string; subject?: string | null };
  message: Omit<Message, "id">;
}

/** A file a signed link streams to whoever holds the link (the CRM downloading an attachment). */
export interface FileResponse {
  body: ReadableStream<Uint8Array> | Uint8Array;
  contentType?: string;
  fileName?: string;
  /** Exact byte count, only when known: a stream of unknown length leaves it unset (sent chunked). */
  size?: number;
}

/** Opens the file behind a signed link of kind `kind` (`key` was given when the link was made). */
export type FileResolver<S extends SettingsData = SettingsData> = (
  tenant: Tenant<S>,
  key: string,
  runtime: GatewayRuntime<S>,
) => Promise<FileResponse>;

/** Renders a markdown preview field of the settings form for a tenant. */
export type MarkdownPreviewer<S extends SettingsData = SettingsData> = (
  tenant: Tenant<S> | undefined,
  input: { ref: PluginReference; settings: S; language: Language; dep: unknown; context: unknown },
  runtime: GatewayRuntime<S>,
) => Promise<string> | string;

/**
 * A markdown preview field's renderer. The object form with `settingsAccess: true` answers only
 * tokens with the `settings` claim: use it for a preview that shows something secret (a webhook
 * URL carrying a token). A preview never shows a credential either way.
 */
export type MarkdownPreview<S extends SettingsData = SettingsData> =
  MarkdownPreviewer<S> | { render: MarkdownPreviewer<S>; settingsAccess: true };

/** Answers `GET /protected/autocomplete/:name`. */
export type Autocompleter = (input: {
  ref: PluginReference;
  query: string | string[];
  dep: unknown;
  context: unknown;
}) => Promise<unknown> | unknown;

/** A rate limit the queue enforces before calling `send` (e.g. Telegram: 1/s per chat, 30/s per bot). */
export interface RateLimitRule {
  /** `contact`: per tenant and chat contact; `tenant`: per tenant. */
  scope: "contact" | "tenant";
  /** Sustained sends per second. */
  perSecond: number;
  /** Short bursts allowed above the rate (default 1). */
  burst?: number;
}

/** Everything core gives a gateway at run time. */
export interface GatewayRuntime<S extends SettingsData = SettingsData> {
  config: CoreConfig;
  logger: Logger;
  /** The SQLite database, for the gateway's own tables (created by its migrations). */
  db: Database;
  tenants: {
    /** Finds a tenant by the public id used in its webhook URLs. */
    byPublicId(publicId: string): Tenant<S> | undefined;
    get(ref: PluginReference): Tenant<S> | undefined;
    /** Every registered tenant (for servers that route by a setting, e.g. an inbound address). */
    all(): Tenant<S>[];
  };
  /**
   * Stores an incoming customer message durably and forwards it to the CRM with retries.
   * With `externalId`, a message already forwarded for this tenant is ignored: returns false.
   */
  forwardIncoming(tenant: Tenant<S>, message: IncomingMessage, options?: { externalId?: string }): boolean;
  /**
   * Reports a status of an outgoing message by the id the channel gave it. Statuses only move
   * forward and each reaches the CRM once; returns false when nothing new was reported.
   */
  reportStatus(
    tenant: Tenant<S>,
    channelMessageId: string,
    status: MessageStatus,
    options?: { reason?: string },
  ): boolean;
  /** The outgoing message a channel message id belongs to (e.g. to thread an email reply). */
  findOutgoing(tenant: Tenant<S>, channelMessageId: string): { chat: Chat; crmMessageId: string | null } | undefined;
  /** Records an external event id once per tenant and scope; false if it was seen before. */
  claimOnce(tenant: Tenant<S>, scope: string, externalId: string): boolean;
  files: {
    /** An HMAC-signed, expiring URL under LV_PLUGIN_SELF_URI that serves `resolver[kind](key)`. */
    link(tenant: Tenant<S>, kind: string, key: string, options?: { fileName?: string; ttlSeconds?: number }): string;
    /** Stores bytes on disk for this tenant and returns a signed URL serving them. */
    store(tenant: Tenant<S>, file: { name: string; contentType: string; data: Uint8Array }): Promise<string>;
  };
  /** Downloads an attachment URI with core's URL safety, size and total time limits, into memory. */
  fetchAttachment(
    uri: string,
    options?: { maxBytes?: number; timeoutMs?: number; headers?: Record<string, string> },
  ): Promise<{ data: Buffer; contentType: string | undefined }>;
  /**
   * Opens an attachment URI as a stream (same limits), for channels that can upload a stream: its
   * chunks count against the process's download budget until the reader takes them.
   */
  openAttachment(
    uri: string,
    options?: { maxBytes?: number; timeoutMs?: number; headers?: Record<string, string> },
  ): Promise<{ body: Readable; contentType: string | undefined; size: number | undefined }>;
  /** An absolute public URL under LV_PLUGIN_SELF_URI for a relative path (no leading slash). */
  publicUrl(path: string): string;
  /**
   * Encryption at rest for the gateway's own secrets (AES-256-GCM under SWITCHBOARD_SECRET_KEY):
   * store `seal(secret)`, read back with `open(stored)`; list the column in `secretColumns`.
   */
  secrets: SecretBox;
}

/** Hooks around settings and the process life. */
export interface GatewayHooks<S extends SettingsData = SettingsData> {
  /**
   * Checks new settings against the real service before they are saved; throw
   * `SettingsValidationError` for a 400 on the fields. May also apply them (e.g. set a webhook).
   */
  verifySettings?(
    input: { ref: PluginReference; publicId: string; settings: S; previous: S },
    runtime: GatewayRuntime<S>,
  ): Promise<void>;
  /** Called after settings were saved. */
  settingsSaved?(tenant: Tenant<S>, runtime: GatewayRuntime<S>): Promise<void>;
  /** Called once the runtime is ready, before the HTTP server listens (e.g. start an SMTP server). */
  start?(runtime: GatewayRuntime<S>): Promise<void>;
  /** Called on shutdown. */
  stop?(): Promise<void>;
}

/** The whole definition of a gateway: what `defineGateway` takes. */
export interface GatewayDefinition<S extends SettingsData = SettingsData> {
  /** Short machine name: `telegram`, `sms`, `email` (default DB file, logs). */
  name: string;
  /** HTTP port when `PORT` is not set. */
  defaultPort: number;
  info: { name: Text; description: Text; developer?: Developer };
  /** `extra.contactType`: `uri`, `phone`, `email`. */
  contactType: string;
  capabilities: Capabilities;
  /** PNG bytes served at `/icon.png`. */
  icon: Uint8Array;
  settings: SettingsForm;
  /** Delivers one message; throw a Switchboard error (permanent or not) to fail it. */
  send(ctx: SendContext<S>, message: OutgoingMessage): Promise<SendResult>;
  rateLimits?: RateLimitRule[];
  /** Adds webhook routes; they are mounted under the path of LV_PLUGIN_SELF_URI. */
  routes?(app: Hono, runtime: GatewayRuntime<S>): void;
  files?: Record<string, FileResolver<S>>;
  previews?: Record<string, MarkdownPreview<S>>;
  autocompletes?: Record<string, Autocompleter>;
  hooks?: GatewayHooks<S>;
  /** Text columns of the gateway's own tables holding `runtime.secrets.seal`ed values; re-encrypted at start after a key rotation. */
  secretColumns?: AnySQLiteColumn[];
  /** The gateway's own drizzle migrations folder (absolute path), applied at start after core's. */
  migrationsFolder?: string;
}
