/**
 * @module @switchboard/core — what a gateway author needs: `defineGateway` and the contract's
 * types, the errors, translations, the guarded outbound requests, storage helpers for a gateway's
 * own tables, and `runGateway` / `startGateway`. Protocol internals (token verification, the
 * keyring, the database opener, the outbound policy switch) are in `@switchboard/core/internal`,
 * for the testkit, the bench, the sandbox and tests.
 */
export * from "./errors.js";
export { DEFAULT_LANGUAGE, LANGUAGES, translate, translateOptional, type Language, type Text } from "./i18n.js";
export type { CoreConfig } from "./env.js";
export {
  ATTACHMENT_TYPES,
  MESSAGE_FORMATS,
  MESSAGE_STATUSES,
  type Attachment,
  type AttachmentType,
  type Chat,
  type ChatMessage,
  type Message,
  type MessageContent,
  type MessageFormat,
  type MessageStatus,
} from "./protocol/chat.js";
export {
  defineSettingsForm,
  type FieldDefinition,
  type FieldType,
  type FieldValue,
  type GroupDefinition,
  type SettingsData,
  type SettingsForm,
  type SettingsOf,
} from "./settings/form.js";
export { ownEntry } from "./util/own-entry.js";
export * from "./gateway/types.js";
export { defineGateway } from "./gateway/define-gateway.js";
export * from "./hosts/types.js";
export { defineHost } from "./hosts/define-host.js";
export { selectHosts, type SelectedHost } from "./hosts/select-hosts.js";
export {
  safeFetch,
  safeHead,
  safeStream,
  type SafeFetchOptions,
  type Downloaded,
  type DownloadStream,
} from "./net/safe-fetch.js";
export {
  guardedRequest,
  readAll,
  type GuardedRequestOptions,
  type GuardedResponse,
  type RequestBody,
  type Resolver,
} from "./net/guarded-request.js";
export { createGuardedFetch, type GuardedFetchOptions, type GuardedFetchInit } from "./net/guarded-fetch.js";
export { isPrivateAddress } from "./net/address-policy.js";
export { declaredLength } from "./net/content-length.js";
export type { StoringWrite } from "./webhooks/event-store.js";
export type { PurgeContext, PurgeHook } from "./retention/purge-hook.js";
export type { RetentionCutoffs } from "./retention/retention-policy.js";
export type { Database } from "./db/client.js";
export { isStorageUnavailable } from "./db/storage-health.js";
export { DatabaseInUseError } from "./db/sqlite-process-lock.js";
export { tenantColumns, tenantRows, type TenantColumns } from "./db/tenant-rows.js";
export { defineTables, type Dialect, type DialectTables, type TableKit } from "./db/dialect-tables.js";
export type { ColumnKit, ConstraintKit } from "./db/column-kit.js";
export type { SecretBox } from "./secrets/keyring.js";
export {
  startGateway,
  type GatewayHandle,
  type ReplicaOptions,
  type StartGatewayOptions,
} from "./server/start-gateway.js";
export { runGateway, type GatewayEnvironment } from "./server/run-gateway.js";
export { runCli, CLI_EXIT, type RunCliOptions } from "./cli/run-cli.js";
export type {
  CliCell,
  CliCommand,
  CliContext,
  CliGroup,
  CliInput,
  CliOption,
  CliOutput,
  GatewayCli,
} from "./cli/cli-types.js";
export { CliConfigError, CliInputError, CliStoreError } from "./cli/cli-errors.js";
export { DEFAULT_WEBHOOK_LIMIT } from "./webhooks/webhook-routes.js";
export { sameSecret } from "./webhooks/same-secret.js";
