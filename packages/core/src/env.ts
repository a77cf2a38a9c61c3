/**
 * @module env — the one place core reads configuration; every variable is validated here.
 */
import { z } from "zod";
import { DEFAULT_UPLOAD_LIMITS, parseUploadLimits, type UploadLimits } from "./files/upload-limits.js";
import { SecretKey } from "./secrets/secret-key.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const positiveInt = z.coerce.number().int().positive();
const DAY_MS = 24 * 3600 * 1000;

const envSchema = z.object({
  LV_PLUGIN_SELF_URI: z.string().url({ message: "LV_PLUGIN_SELF_URI must be an absolute URL" }),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().default("0.0.0.0"),
  LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: positiveInt.default(100),
  /** Sends in flight per tenant; default a quarter of LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT. */
  SWITCHBOARD_SEND_TENANT_LIMIT: positiveInt.optional(),
  /** Requests in flight to one CRM cluster (origin of its cluster URI), out of the outbox's 32. */
  SWITCHBOARD_OUTBOX_CLUSTER_LIMIT: positiveInt.default(8),
  LV_PLUGIN_DEBUG: bool.default(false),
  SWITCHBOARD_DB_PATH: z.string().optional(),
  /** `postgres://…`: every durable thing in PostgreSQL instead of the SQLite file. */
  SWITCHBOARD_DATABASE_URL: z.string().optional(),
  /** Connections of the PostgreSQL pool, per process. */
  SWITCHBOARD_DATABASE_POOL: positiveInt.default(10),
  SWITCHBOARD_ALLOW_PRIVATE_URLS: bool.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SWITCHBOARD_SEND_MAX_ATTEMPTS: positiveInt.default(100),
  SWITCHBOARD_SEND_MAX_AGE_SECONDS: positiveInt.default(24 * 3600),
  SWITCHBOARD_SEND_LEASE_SECONDS: positiveInt.default(60),
  /** How long a replica's lease on its tenants lasts without renewal (PostgreSQL only). */
  SWITCHBOARD_LEASE_SECONDS: positiveInt.default(15),
  SWITCHBOARD_OUTBOX_MAX_AGE_SECONDS: positiveInt.default(24 * 3600),
  SWITCHBOARD_RETRY_BASE_MS: positiveInt.default(1000),
  SWITCHBOARD_RETRY_MAX_MS: positiveInt.default(10 * 60 * 1000),
  SWITCHBOARD_FILES_DIR: z.string().optional(),
  SWITCHBOARD_FILE_TTL_HOURS: positiveInt.default(720),
  /** Finished outgoing messages and their parts: CRMs edit, delete and ask statuses of recent ones. */
  SWITCHBOARD_KEEP_FINISHED_DAYS: positiveInt.default(30),
  /** Ids of incoming events handled: longer than any channel redelivers (mail servers: up to 5 days). */
  SWITCHBOARD_KEEP_DEDUPE_DAYS: positiveInt.default(7),
  /** What gateways and hosts keep per message to link later ones (email's Message-IDs for threading). */
  SWITCHBOARD_KEEP_HISTORY_DAYS: positiveInt.default(365),
  /** Between two retention passes (the first runs soon after start). */
  SWITCHBOARD_RETENTION_INTERVAL_MINUTES: positiveInt.default(60),
  /** Bytes of stored files (e.g. inbound email attachments) one tenant may keep, in MiB. */
  SWITCHBOARD_TENANT_FILES_QUOTA_MB: positiveInt.default(1024),
  SWITCHBOARD_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  SWITCHBOARD_UPLOAD_LIMITS: z
    .string()
    .default(DEFAULT_UPLOAD_LIMITS)
    .transform((value, ctx) => {
      try {
        return parseUploadLimits(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  SWITCHBOARD_DOWNLOAD_DEADLINE_MS: positiveInt.default(30_000),
  SWITCHBOARD_DOWNLOAD_BUDGET_MB: positiveInt.default(64),
  SWITCHBOARD_SECRET_KEY: z.string().optional(),
  SWITCHBOARD_SECRET_KEYS_OLD: z.string().optional(),
  /** Which of the CRM hosts the app can serve run (comma-separated). */
  SWITCHBOARD_HOSTS: z.string().default("salesrender"),
  /** Bearer token of `GET /metrics`; unset or blank = no metrics route. */
  METRICS_TOKEN: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

/** Core configuration, resolved from the environment with defaults. */
export interface CoreConfig {
  /** Public base URL, always with exactly one trailing `/`. */
  selfUri: string;
  /** Path part of selfUri without the trailing `/` (`""` at the root); every route is mounted under it. */
  basePath: string;
  port: number | undefined;
  host: string;
  sendConcurrency: number;
  /** Sends in flight for one tenant at most (never more than `sendConcurrency`). */
  sendTenantConcurrency: number;
  /** Requests in flight to one CRM cluster at most. */
  outboxClusterConcurrency: number;
  debug: boolean;
  dbPath: string | undefined;
  /**
   * `SWITCHBOARD_DATABASE_URL` (`postgres://user:password@host:5432/db`): the store is PostgreSQL,
   * shared by every replica; undefined = SQLite at `dbPath`. Holds a password: never log it.
   */
  databaseUrl: string | undefined;
  /** `SWITCHBOARD_DATABASE_POOL`: connections of the PostgreSQL pool (default 10). */
  databasePoolSize: number;
  allowPrivateUrls: boolean;
  logLevel: string;
  send: { maxAttempts: number; maxAgeMs: number; leaseMs: number };
  /**
   * `SWITCHBOARD_LEASE_SECONDS` in ms: how long a replica owns its tenants' shards without renewing
   * them (renewed every third of it); a dead replica's tenants move to the others within it.
   */
  shardLeaseMs: number;
  outboxMaxAgeMs: number;
  retry: { baseMs: number; maxMs: number };
  filesDir: string | undefined;
  fileTtlMs: number;
  /**
   * The retention schedule: how long finished rows are kept (`SWITCHBOARD_KEEP_FINISHED_DAYS`,
   * `_DEDUPE_DAYS`, `_HISTORY_DAYS`; stored files: `fileTtlMs`), and how often a pass runs.
   */
  retention: { finishedMs: number; dedupeMs: number; historyMs: number; intervalMs: number };
  /** Stored files one tenant may keep, in bytes. */
  tenantFilesQuotaBytes: number;
  shutdownTimeoutMs: number;
  /** `SWITCHBOARD_UPLOAD_LIMITS`: extension → bytes for `POST /protected/upload`; empty = uploads off. */
  uploadLimits: UploadLimits;
  /** Total deadline of one attachment download, from connecting to the last byte. */
  downloadDeadlineMs: number;
  /** Bytes of attachment downloads held in memory at once, across the process. */
  downloadBudgetBytes: number;
  /** NODE_ENV=production: no generated secret key, no default self URI. */
  production: boolean;
  /** Seals secrets at rest (SWITCHBOARD_SECRET_KEY); undefined outside production means "generate one". */
  secretKey: SecretKey | undefined;
  /** Keys that still open secrets sealed before a rotation (SWITCHBOARD_SECRET_KEYS_OLD). */
  oldSecretKeys: SecretKey[];
  /**
   * `SWITCHBOARD_HOSTS`: names of the CRM hosts to run, trimmed and lower-cased, in the order
   * given; checked against the hosts the app serves when it starts (`selectHosts`).
   */
  hosts: string[];
  /**
   * `METRICS_TOKEN`: `GET /metrics` answers to `Authorization: Bearer <it>`; undefined (unset or
   * blank) = the route is not there (404). A secret: never logged.
   */
  metricsToken: string | undefined;
}

const KEY_FORMAT = "must be 32 bytes given as base64 (44 characters, `openssl rand -base64 32`) or hex (64 characters)";

/** The secret keys of the environment, with a problem per bad variable (never quoting a key). */
function readSecretKeys(e: {
  SWITCHBOARD_SECRET_KEY?: string;
  SWITCHBOARD_SECRET_KEYS_OLD?: string;
  NODE_ENV?: string;
}) {
  const problems: string[] = [];
  const given = e.SWITCHBOARD_SECRET_KEY?.trim() ?? "";
  const secretKey = given === "" ? undefined : SecretKey.parse(given);
  if (given !== "" && !secretKey) problems.push(`SWITCHBOARD_SECRET_KEY: ${KEY_FORMAT}`);
  if (given === "" && e.NODE_ENV === "production") {
    problems.push("SWITCHBOARD_SECRET_KEY: required when NODE_ENV=production (`openssl rand -base64 32` makes one)");
  }
  const oldSecretKeys: SecretKey[] = [];
  const old = (e.SWITCHBOARD_SECRET_KEYS_OLD ?? "").split(",").map((k) => k.trim());
  old.forEach((text, i) => {
    if (text === "") return;
    const key = SecretKey.parse(text);
    if (key) oldSecretKeys.push(key);
    else problems.push(`SWITCHBOARD_SECRET_KEYS_OLD: entry ${i + 1} ${KEY_FORMAT}`);
  });
  return { secretKey, oldSecretKeys, problems };
}

/** The PostgreSQL URL, blank meaning none (the URL's text is never put in an error: it may hold a password). */
function databaseUrl(given: string | undefined): string | undefined {
  const url = given?.trim() ?? "";
  return url === "" ? undefined : url;
}

function isPostgresUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "postgres:" || protocol === "postgresql:";
  } catch {
    return false;
  }
}

/** Normalises a base URL to exactly one trailing slash. */
export function normaliseSelfUri(uri: string): string {
  return uri.replace(/\/+$/, "") + "/";
}

/** Reads and validates core configuration; throws one readable error listing every bad variable. */
export function loadCoreConfig(env: Record<string, string | undefined> = process.env): CoreConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const keys = readSecretKeys(e);
  const url = databaseUrl(e.SWITCHBOARD_DATABASE_URL);
  if (url && !isPostgresUrl(url)) {
    keys.problems.push("SWITCHBOARD_DATABASE_URL: must be a URL postgres://user:password@host:5432/database");
  }
  // Replicas must open each other's secrets, and a key generated into a local file is one replica's.
  if (url && !keys.secretKey && !keys.problems.some((p) => p.startsWith("SWITCHBOARD_SECRET_KEY:"))) {
    keys.problems.push(
      "SWITCHBOARD_SECRET_KEY: required with SWITCHBOARD_DATABASE_URL (every replica seals and opens secrets with it; `openssl rand -base64 32` makes one)",
    );
  }
  if (keys.problems.length) throw new Error(`Invalid configuration: ${keys.problems.join("; ")}`);
  const selfUri = normaliseSelfUri(e.LV_PLUGIN_SELF_URI);
  return {
    selfUri,
    basePath: new URL(selfUri).pathname.replace(/\/+$/, ""),
    port: e.PORT,
    host: e.HOST,
    sendConcurrency: e.LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT,
    sendTenantConcurrency: Math.min(
      e.SWITCHBOARD_SEND_TENANT_LIMIT ?? Math.ceil(e.LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT / 4),
      e.LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT,
    ),
    outboxClusterConcurrency: e.SWITCHBOARD_OUTBOX_CLUSTER_LIMIT,
    debug: e.LV_PLUGIN_DEBUG,
    dbPath: e.SWITCHBOARD_DB_PATH,
    databaseUrl: url,
    databasePoolSize: e.SWITCHBOARD_DATABASE_POOL,
    allowPrivateUrls: e.SWITCHBOARD_ALLOW_PRIVATE_URLS,
    logLevel: e.LOG_LEVEL,
    send: {
      maxAttempts: e.SWITCHBOARD_SEND_MAX_ATTEMPTS,
      maxAgeMs: e.SWITCHBOARD_SEND_MAX_AGE_SECONDS * 1000,
      leaseMs: e.SWITCHBOARD_SEND_LEASE_SECONDS * 1000,
    },
    shardLeaseMs: e.SWITCHBOARD_LEASE_SECONDS * 1000,
    outboxMaxAgeMs: e.SWITCHBOARD_OUTBOX_MAX_AGE_SECONDS * 1000,
    retry: { baseMs: e.SWITCHBOARD_RETRY_BASE_MS, maxMs: e.SWITCHBOARD_RETRY_MAX_MS },
    filesDir: e.SWITCHBOARD_FILES_DIR,
    fileTtlMs: e.SWITCHBOARD_FILE_TTL_HOURS * 3600 * 1000,
    retention: {
      finishedMs: e.SWITCHBOARD_KEEP_FINISHED_DAYS * DAY_MS,
      dedupeMs: e.SWITCHBOARD_KEEP_DEDUPE_DAYS * DAY_MS,
      historyMs: e.SWITCHBOARD_KEEP_HISTORY_DAYS * DAY_MS,
      intervalMs: e.SWITCHBOARD_RETENTION_INTERVAL_MINUTES * 60_000,
    },
    tenantFilesQuotaBytes: e.SWITCHBOARD_TENANT_FILES_QUOTA_MB * 1024 * 1024,
    shutdownTimeoutMs: e.SWITCHBOARD_SHUTDOWN_TIMEOUT_MS,
    uploadLimits: e.SWITCHBOARD_UPLOAD_LIMITS,
    downloadDeadlineMs: e.SWITCHBOARD_DOWNLOAD_DEADLINE_MS,
    downloadBudgetBytes: e.SWITCHBOARD_DOWNLOAD_BUDGET_MB * 1024 * 1024,
    production: e.NODE_ENV === "production",
    secretKey: keys.secretKey,
    oldSecretKeys: keys.oldSecretKeys,
    hosts: e.SWITCHBOARD_HOSTS.split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
    metricsToken: e.METRICS_TOKEN?.trim() || undefined,
  };
}
