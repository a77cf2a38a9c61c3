/**
 * @module @switchboard/core/internal — core's protocol and storage internals, for the testkit,
 * the bench, the sandbox and tests: not part of the gateway contract, and free to change with it.
 */
export { loadCoreConfig, normaliseSelfUri } from "./env.js";
export { negotiateLanguage } from "./i18n.js";
export { statusRank, attachmentSchema, chatSchema, contentSchema, messageSchema } from "./protocol/chat.js";
export { renderForm, passwordFields } from "./settings/form.js";
export { checkSettings, maskPasswords } from "./settings/validate.js";
export { withoutPasswords } from "./settings/redact-passwords.js";
export {
  renderSettingsPage,
  type SettingsPageOptions,
  type SettingsStatusRow,
  type SettingsFieldErrors,
} from "./settings/settings-page.js";
export { parseSettingsForm } from "./settings/parse-page-form.js";
export { settingsPageHeaders } from "./settings/page-headers.js";
export {
  BodyTooLargeError,
  DEFAULT_BODY_LIMIT,
  readBody,
  readBoundedBody,
  readBoundedText,
} from "./http/bounded-body.js";
export { fileResponse } from "./http/file-headers.js";
export { permissionsJson, uploadLimitFor, type UploadLimits } from "./files/upload-limits.js";
export { sendJson } from "./net/post-json.js";
// SalesRender's tables: created by core's migrations before hosts existed, used by host-salesrender only.
export { crmOutbox, outgoing, publicKeys, registrations, seenEvents, tenants } from "./db/schema.js";
export { configureOutbound, outboundPolicy, type OutboundPolicy } from "./net/outbound-policy.js";
export { ByteBudget } from "./net/byte-budget.js";
export { createLogger } from "./logger.js";
export { CORE_MIGRATIONS, openDatabase } from "./db/client.js";
export {
  CORE_PG_MIGRATIONS,
  DEFAULT_POOL_SIZE,
  DatabaseUrlError,
  openPostgres,
  postgresOf,
  type OpenPostgresOptions,
  type PostgresDatabase,
} from "./db/postgres-client.js";
export { inPgTransaction, type PgQueryable } from "./db/pg-transaction.js";
export { migrationSteps, type MigrationFolders, type MigrationStep } from "./db/migration-steps.js";
export { coreTables } from "./db/schema.js";
export {
  runRetentionPass,
  type NamedPurge,
  type RetentionPassOptions,
  type RetentionReport,
} from "./retention/retention-pass.js";
export { retentionPassLock, type PassLock } from "./retention/pass-lock.js";
export { retentionPolicy, type RetentionPolicy } from "./retention/retention-policy.js";
export { FileStore } from "./files/file-store.js";
export { coreStores, type CoreStores, type CoreStoreDeps } from "./server/core-stores.js";
export { migrationsUpTo } from "./db/migrations-up-to.js";
export { Keyring, SecretUnreadableError, isSealed } from "./secrets/keyring.js";
export { SecretKey } from "./secrets/secret-key.js";
export { backoffDelay, fullBackoff, MIN_ATTEMPTS_BEFORE_EXPIRY } from "./worker/backoff.js";
export type { Leases, AcquiredLease, ReleaseReason } from "./cluster/leases.js";
export { PgLeases, type PgLeasesOptions } from "./cluster/pg-leases.js";
export { SingleProcessLeases } from "./cluster/single-process-leases.js";
export { NOTIFY_KINDS, type Notifier, type NotifyKind, type NotifyHandler } from "./cluster/notifier.js";
export { PgNotifier, type PgNotifierOptions } from "./cluster/pg-notifier.js";
export { LocalNotifier } from "./cluster/local-notifier.js";
export { notifyQuery, notifySql } from "./cluster/notify-sql.js";
// The send queue's and the outbox's stores, for the bench's store throughput scenario.
export { SqliteOutgoingStore } from "./messages/sqlite-outgoing-store.js";
export { PgOutgoingStore, type PgOutgoingStoreOptions } from "./messages/pg-outgoing-store.js";
export type { OutgoingStore, QueuedMessage, SentMessage } from "./messages/outgoing-store.js";
export { SqliteOutboxStore } from "./outbox/sqlite-outbox-store.js";
export { PgOutboxStore } from "./outbox/pg-outbox-store.js";
