/**
 * @module gateway/types — the one contract a channel gateway implements, and what core gives it back.
 */
import type { PurgeHook } from "../retention/purge-hook.js";
import type { StoringWrite } from "../webhooks/event-store.js";
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import type { Language, Text } from "../i18n.js";
import type { AttachmentType, Chat, ChatMessage, Message, MessageFormat, MessageStatus } from "../protocol/chat.js";
import type { SettingsData, SettingsForm, SettingsOf } from "../settings/form.js";
import type { CoreConfig } from "../env.js";
import type { Database } from "../db/client.js";
import type { SecretBox } from "../secrets/keyring.js";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { GatewayCli } from "../cli/cli-types.js";

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
    /** The channel can change the text of a message it sent (the gateway has `edit`); hosts check this. */
    edit?: boolean;
    /** The channel can delete a message it sent (the gateway has `remove`); hosts check this. */
    delete?: boolean;
  };
  attachments: AttachmentType[];
}

/** Who made the plugin (`/info` `developer`). */
export interface Developer {
  name: string;
  email: string;
  hostname: string;
}

/** One tenant (a CRM host's customer account using this gateway) as a gateway sees it. */
export interface Tenant<S = SettingsData> {
  /** Core's id of the tenant: what its rows in the gateway's own tables are keyed by (`tenantColumns(c)`). */
  id: number;
  /** The CRM host it belongs to (`salesrender`). */
  host: string;
  /** The host's own, stable name of the tenant (opaque; unique per host). */
  key: string;
  /** Random, stable, URL-safe id of this tenant, for webhook URLs (never the company id). */
  publicId: string;
  settings: S;
  /** The company's country as the host knows it (ISO 3166 alpha-2), e.g. for national phone numbers. */
  country?: string;
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

/** Durable progress of a message the channel takes in several parts (a split text, an album and its caption). */
export interface SendParts {
  /** The channel message id an earlier try recorded for part `index`, if any. */
  get(index: number): Promise<string | undefined>;
  /** Every part recorded so far, by index. */
  all(): Promise<ReadonlyMap<number, string>>;
  /** Records, durably before it resolves, that the channel took part `index` as `channelMessageId` (records keep their order). */
  record(index: number, channelMessageId: string): Promise<void>;
}

/** Passed to `send`: the tenant, a logger bound to the message, an abort signal for shutdown and the message's parts so far. */
export interface SendContext<S = SettingsData> {
  tenant: Tenant<S>;
  logger: Logger;
  signal: AbortSignal;
  /** What earlier tries of this message already sent, kept across retries and restarts until it finishes. */
  parts: SendParts;
}

/** Passed to `edit` and `remove`: the tenant, a logger bound to the operation and the shutdown signal. */
export type OperationContext<S = SettingsData> = Omit<SendContext<S>, "parts">;

/** A message the channel took earlier, as `edit` and `remove` are given it. */
export interface SentMessageRef {
  /** The CRM's id of the message. */
  crmMessageId: string;
  /** The chat it was sent to (as the queue stored it). */
  chat: Chat;
  /**
   * The ids of its parts now, in part order: those the channel gave it when it was sent, or those
   * the last edit returned (an edit may have deleted parts a shorter text no longer needed).
   */
  channelIds: string[];
  /** What it was sent with (the text and attachments before this change). */
  sent: Pick<Message, "content" | "attachments">;
}

/** Asks the channel to change a message it sent to new content. */
export interface EditRequest extends SentMessageRef {
  message: Pick<Message, "content" | "attachments">;
}

/** Asks the channel to delete a message it sent. */
export type RemoveRequest = SentMessageRef;

/** The ids of the message's parts after an edit (the same ids when the channel edits in place; void = unchanged). */
export type EditResult = string[] | void;

/** A message from a customer, to forward to the CRM. */
export interface IncomingMessage {
  chat: { id?: string | null; contact: string; subject?: string | null };
  message: Omit<Message, "id">;
  /**
   * Who wrote, as the channel names them (a Telegram user's name, an email's display name), for
   * hosts that show it (Bitrix24 names the Open Lines dialogue by it); SalesRender's wire has no place for it.
   */
  customer?: { name: string };
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
export type FileResolver<S = SettingsData> = (tenant: Tenant<S>, key: string) => Promise<FileResponse>;

/** Renders a markdown preview field of the settings form for a tenant. */
export type MarkdownPreviewer<S = SettingsData> = (
  tenant: Tenant<S> | undefined,
  input: { tenantId: number; settings: S; language: Language; dep: unknown; context: unknown },
) => Promise<string> | string;

/**
 * A markdown preview field's renderer. The object form with `settingsAccess: true` answers only
 * tokens with the `settings` claim: use it for a preview that shows something secret (a webhook
 * URL carrying a token). A preview never shows a credential either way.
 */
export type MarkdownPreview<S = SettingsData> =
  MarkdownPreviewer<S> | { render: MarkdownPreviewer<S>; settingsAccess: true };

/** Answers `GET /protected/autocomplete/:name`. */
export type Autocompleter = (input: {
  tenant: Tenant;
  query: string | string[];
  dep: unknown;
  context: unknown;
}) => Promise<unknown> | unknown;

/** A rate limit the queue enforces before calling `send` (e.g. Telegram: 1/s per chat, 25/s per bot to stay under its 30). */
export interface RateLimitRule {
  /** `contact`: per tenant and chat contact; `tenant`: per tenant. */
  scope: "contact" | "tenant";
  /** Sustained sends per second. */
  perSecond: number;
  /** Short bursts allowed above the rate (default 1). */
  burst?: number;
}

/** Everything core gives a gateway at run time. */
export interface GatewayRuntime<S = SettingsData> {
  config: CoreConfig;
  logger: Logger;
  /** The SQLite database, for the gateway's own tables (created by its migrations). */
  db: Database;
  tenants: {
    /** Finds a tenant by the public id used in its webhook URLs. */
    byPublicId(publicId: string): Promise<Tenant<S> | undefined>;
    /** Finds a tenant by its id. */
    get(id: number): Promise<Tenant<S> | undefined>;
    /** Finds a tenant by its host and the host's key of it. */
    byKey(host: string, key: string): Promise<Tenant<S> | undefined>;
    /** Every registered tenant (for servers that route by a setting, e.g. an inbound address). */
    all(): Promise<Tenant<S>[]>;
  };
  /**
   * Stores an incoming customer message durably (resolves once it is) and forwards it to the CRM
   * with retries. With `externalId`, a message already forwarded for this tenant is ignored: false.
   */
  forwardIncoming(tenant: Tenant<S>, message: IncomingMessage, options?: { externalId?: string }): Promise<boolean>;
  /**
   * Reports a status of an outgoing message by the id the channel gave it. Statuses only move
   * forward and each reaches the CRM once; resolves false when nothing new was reported.
   */
  reportStatus(
    tenant: Tenant<S>,
    channelMessageId: string,
    status: MessageStatus,
    options?: { reason?: string },
  ): Promise<boolean>;
  /** The outgoing message a channel message id belongs to (e.g. to thread an email reply). */
  findOutgoing(
    tenant: Tenant<S>,
    channelMessageId: string,
  ): Promise<{ chat: Chat; crmMessageId: string | null } | undefined>;
  /**
   * Stores events that came some other way than a declared webhook (email's own SMTP server), as
   * a webhook's are: atomically, each `externalId` once, a new event's `onStored` in the same transaction.
   */
  storeEvents(tenant: Tenant<S>, events: readonly WebhookEvent[]): Promise<{ fresh: number; repeated: number }>;
  /** Records an external event id once per tenant and scope; resolves false if it was seen before. */
  claimOnce(tenant: Tenant<S>, scope: string, externalId: string): Promise<boolean>;
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

/** Settings once saved: the form's checks filled every group. */
export type SavedSettings<S> = { [K in keyof S]-?: NonNullable<S[K]> };

/** What `verifySettings` is given: the checked settings about to be saved, and the request's language. */
export interface SettingsToVerify<S = SettingsData> {
  /** The tenant whose settings these are (its `settings` are still the previous ones). */
  tenant: Tenant<S>;
  settings: SavedSettings<S>;
  previous: S | Record<string, never>;
  /** The CRM request's language: errors thrown as `SettingsValidationError` may be `Text`, core translates them. */
  language: Language;
}

/** A webhook request's headers: `get` answers a header's value (several joined by ", ") or null. */
export interface WebhookHeaders {
  get(name: string): string | null;
}

/** A webhook request as a gateway's `verify` and `parse` see it: the body is already read, within the limit. */
export interface WebhookRequest {
  method: string;
  /** The full URL the request came to (as our server saw it). */
  url: string;
  /** The public URL of this request under LV_PLUGIN_SELF_URI, with its query (what signers like Twilio sign). */
  publicUrl: string;
  /** Route parameters (`:publicId`, `:token`). */
  params: Readonly<Record<string, string>>;
  /** The request's headers, by case-insensitive name. */
  headers: WebhookHeaders;
  /** The raw body, at most the webhook's `maxBytes`. */
  body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body as JSON: `undefined` when it is not JSON. */
  json(): unknown;
  /** The body as an `application/x-www-form-urlencoded` form. */
  form(): URLSearchParams;
}

/** Why a webhook request was refused: answered as `{code, message}` with this status. */
export interface WebhookRefusal {
  status: 401 | 403;
  message: string;
}

/** A customer's message a webhook carries, forwarded to the CRM once per `externalId`. */
export interface IncomingEvent {
  kind: "incoming";
  message: IncomingMessage;
  /** The channel's id of this event (Telegram update, Twilio MessageSid): a redelivery is forwarded once. */
  externalId?: string;
  /**
   * Runs only when the event is new, in the transaction that stores it (synchronously): the
   * gateway's own rows for it (an SMS opt-out, an email's threading row) commit with the message
   * or not at all. Answer the writes, drizzle queries built on `runtime.db` and not awaited
   * (`() => [db.insert(table).values(row)]`, see `StoringWrite`): the store runs them in the
   * transaction on SQLite and on PostgreSQL alike. Writes it runs itself only join the
   * transaction on SQLite. If it or its writes fail, they roll back and are logged; the message is kept.
   */
  onStored?: () => void | readonly StoringWrite[];
}

/** A status of one of our outgoing messages, by the id the channel gave it. */
export interface StatusEvent {
  kind: "status";
  channelMessageId: string;
  status: MessageStatus;
  /** Why, for `error`: stored with the status and shown in the CRM. */
  reason?: string;
}

/** What a webhook request means: events for core to store, and optionally the answer the channel expects. */
export type WebhookEvent = IncomingEvent | StatusEvent;

/** The answer to a webhook request when the channel expects something besides an empty 200. */
export interface WebhookReply {
  status?: 200 | 201 | 202 | 204;
  body?: string;
  headers?: Record<string, string>;
}

/** What `parse` returns: the events (none to ignore the request) and the reply. */
export interface ParsedWebhook {
  events: WebhookEvent[];
  reply?: WebhookReply;
}

/**
 * One webhook a channel calls. Core owns the route: it reads the body within `maxBytes` (413
 * past it), finds the tenant (404), runs `verify` (401/403), `parse` (400 on `WebhookInputError`
 * or any failure to read the request, never 500), stores the events (each `externalId` once),
 * answers at once and forwards them to the CRM in the background.
 */
export interface WebhookDefinition<S = SettingsData> {
  /** Route under LV_PLUGIN_SELF_URI, with `:params` (several paths for one webhook are allowed). */
  path: string | readonly string[];
  /** Largest body taken (default 1 MiB). */
  maxBytes?: number;
  /** Finds the tenant from the route parameters; default: the `:publicId` parameter. */
  tenant?: (params: Readonly<Record<string, string>>) => Tenant<S> | undefined | Promise<Tenant<S> | undefined>;
  /** Checks the signature or secret: `true`, or why not (`false` is a 401 with a generic message). */
  verify?: (request: WebhookRequest, tenant: Tenant<S>) => boolean | WebhookRefusal | Promise<boolean | WebhookRefusal>;
  /** Turns the verified request into events. */
  parse: (request: WebhookRequest, tenant: Tenant<S>) => ParsedWebhook | Promise<ParsedWebhook>;
}

/** What `setup` returns: the running gateway's behaviour, its state held in the closure. */
export interface GatewayInstance<S = SettingsData> {
  /** Delivers one message; throw a Switchboard error (permanent or not) to fail it. */
  send(ctx: SendContext<S>, message: OutgoingMessage): Promise<SendResult>;
  /**
   * Changes a message sent before (declare `capabilities.messages.edit`). Run from the send queue
   * after the message itself; throw a Switchboard error (permanent or not) like `send`.
   */
  edit?(ctx: OperationContext<S>, request: EditRequest): Promise<EditResult>;
  /** Deletes a message sent before (declare `capabilities.messages.delete`); errors as for `edit`. */
  remove?(ctx: OperationContext<S>, request: RemoveRequest): Promise<void>;
  /** The webhooks the channel calls, by name (the name is used in logs and metrics). */
  webhooks?: Record<string, WebhookDefinition<S>>;
  /** Resolvers of signed file links, by kind. */
  files?: Record<string, FileResolver<S>>;
  /** Markdown preview fields of the settings form, by previewer name. */
  previews?: Record<string, MarkdownPreview<S>>;
  autocompletes?: Record<string, Autocompleter>;
  /**
   * Checks new settings against the real service before they are saved; throw
   * `SettingsValidationError` for a 400 on the fields. May also apply them (e.g. set a webhook).
   */
  verifySettings?(input: SettingsToVerify<S>): Promise<void>;
  /** Called after settings were saved (e.g. drop a cached connection). */
  settingsSaved?(tenant: Tenant<S>): Promise<void> | void;
  /**
   * Deletes the gateway's own rows past their retention, in each pass of the retention schedule
   * (e.g. email's Message-IDs older than `cutoffs.history`); never consent state such as opt-outs.
   */
  purge?: PurgeHook;
  /** Called on shutdown, after the queue stopped: close servers and connections the closure opened. */
  close?(): Promise<void> | void;
}

/** The static half of a gateway, and `setup`, which core calls once per running gateway. */
export interface GatewayDefinition<S = SettingsData, E = void, I extends GatewayInstance<S> = GatewayInstance<S>> {
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
  rateLimits?: RateLimitRule[];
  /** The gateway's own drizzle migrations folder (absolute path), applied at start after core's. */
  migrationsFolder?: string;
  /** The same migrations for PostgreSQL (`drizzle-pg/`): required on PostgreSQL when `migrationsFolder` is given. */
  postgresMigrationsFolder?: string;
  /** Text columns of the gateway's own tables holding `runtime.secrets.seal`ed values; re-encrypted at start after a key rotation. */
  secretColumns?: AnySQLiteColumn[];
  /**
   * Commands the gateway adds to its app's CLI (`node dist/cli.js <group> <command>`), beside
   * core's: e.g. Telegram's `webhook info|reset`. They run without `setup`, on the store and the
   * gateway's environment (`CliContext`).
   */
  cli?: GatewayCli<S, E>;
  /**
   * Builds the running gateway from core's services and the gateway's own environment (`env`,
   * read by the app's `env.ts`). Everything stateful lives in its closure; it may start servers
   * (they are closed in `close`). What it returns besides the contract is the handle's `instance`.
   */
  setup(runtime: GatewayRuntime<S>, env: E): I | Promise<I>;
}

/** The settings type of a gateway definition. */
export type SettingsOfGateway<G> = G extends { setup(runtime: GatewayRuntime<infer S>, env: never): unknown }
  ? S
  : never;

/** The environment type a gateway's `setup` takes. */
export type EnvOfGateway<G> = G extends { setup(runtime: never, env: infer E): unknown } ? E : never;

/** What a gateway definition's `setup` returns. */
export type InstanceOfGateway<G> = G extends { setup(runtime: never, env: never): infer R } ? Awaited<R> : never;

/** A definition as core's wiring sees it, whatever its settings, environment and instance types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGateway = GatewayDefinition<any, any, any>;

export type { SettingsOf };
