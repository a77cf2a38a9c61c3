/**
 * @module cli/queue-commands — `queue stats|list|retry|purge`: the send queue's rows (`outgoing`)
 * as an operator sees them. Retry and purge are single statements (purge in small batches), so
 * they run beside a running gateway; a retried message is due at once, and the gateway that owns
 * its tenant sends it (PostgreSQL: NOTIFYed; SQLite: its poll of the file sees the write).
 */
import { and, count, desc, eq, min, or, sql, type SQL } from "drizzle-orm";
import { notifySql } from "../cluster/notify-sql.js";
import type { Database } from "../db/client.js";
import { postgresOf } from "../db/postgres-client.js";
import { coreTables } from "../db/schema.js";
import { CliInputError } from "./cli-errors.js";
import type { CliCommand, CliContext, CliGroup, CliInput } from "./cli-types.js";
import { purgeFinishedMessages } from "../retention/finished-messages.js";
import { formatAge, parseDuration } from "./durations.js";
import { isoTime } from "./output.js";

/** The states of a queued message, in the order it goes through them. */
export const QUEUE_STATES = ["queued", "leased", "sent", "failed"] as const;

/** Rows `queue list` shows unless `--limit` says otherwise. */
export const DEFAULT_LIST_LIMIT = 50;

/** Rows one purge transaction deletes: short enough that a running gateway's writes wait only briefly. */
const PURGE_BATCH = 500;

const TENANT_OPTION = {
  type: "string",
  value: "<tenant>",
  description: "only this tenant (its id or public id)",
} as const;
const JSON_HINT = "With --json the answer is one JSON document.";

/** The `--limit` of a list: a positive whole number, at most 10000. */
export function listLimit(input: CliInput): number {
  const given = input.values.limit;
  if (given === undefined) return DEFAULT_LIST_LIMIT;
  const n = Number(given);
  if (!/^\d+$/.test(String(given)) || n < 1 || n > 10_000) {
    throw new CliInputError(`--limit must be a whole number from 1 to 10000 (got "${String(given)}")`);
  }
  return n;
}

/** The tenant id `--tenant` names (its id or public id), or undefined when not given; a `CliInputError` for an unknown one. */
export async function tenantFilter(context: Pick<CliContext, "db">, input: CliInput): Promise<number | undefined> {
  const ref = input.values.tenant;
  if (ref === undefined) return undefined;
  const id = typeof ref === "string" ? await tenantIdOf(context.db, ref) : undefined;
  if (id === undefined)
    throw new CliInputError(`no tenant "${String(ref)}" (give its id or its public id; \`tenants list\` shows them)`);
  return id;
}

/** The id of the tenant `ref` names: its id, else its public id. */
export async function tenantIdOf(db: Database, ref: string): Promise<number | undefined> {
  const { tenants } = coreTables.for(db);
  const text = ref.trim();
  const byId = /^\d{1,9}$/.test(text) ? eq(tenants.id, Number(text)) : undefined;
  const [row] = await db
    .select({ id: tenants.id })
    .from(tenants)
    .where(byId ? or(byId, eq(tenants.publicId, text)) : eq(tenants.publicId, text))
    .orderBy(byId ? sql`CASE WHEN ${byId} THEN 0 ELSE 1 END` : tenants.id)
    .limit(1);
  return row?.id;
}

/** Tells the replica owning each tenant that it has due work (PostgreSQL; SQLite's gateway polls). */
export async function notifyOwners(db: Database, kind: "send" | "outbox", tenantIds: Iterable<number>) {
  if (db.dialectName !== "postgres") return;
  for (const id of new Set(tenantIds)) await postgresOf(db).execute(notifySql(kind, id));
}

const stats: CliCommand = {
  summary: "messages in the send queue by state",
  options: { tenant: TENANT_OPTION },
  async run(context, input) {
    const { outgoing } = coreTables.for(context.db);
    const tenantId = await tenantFilter(context, input);
    const rows = await context.db
      .select({ state: outgoing.state, n: count(), oldest: min(outgoing.createdAt) })
      .from(outgoing)
      .where(tenantId === undefined ? undefined : eq(outgoing.tenantId, tenantId))
      .groupBy(outgoing.state);
    const byState = new Map(rows.map((r) => [r.state, { count: Number(r.n), oldest: numberOrNull(r.oldest) }]));
    const now = Date.now();
    const states = [
      ...QUEUE_STATES,
      ...[...byState.keys()].filter((s) => !(QUEUE_STATES as readonly string[]).includes(s)),
    ];
    const entries = states.map((state) => ({
      state,
      count: byState.get(state)?.count ?? 0,
      oldest: byState.get(state)?.oldest ?? null,
    }));
    return {
      json: {
        ...(tenantId === undefined ? {} : { tenant: tenantId }),
        states: Object.fromEntries(entries.map((e) => [e.state, e.count])),
        oldestCreatedAt: Object.fromEntries(entries.map((e) => [e.state, isoTime(e.oldest) ?? null])),
      },
      table: {
        columns: ["state", "messages", "oldest"],
        rows: entries.map((e) => [
          e.state,
          e.count,
          e.oldest === null ? undefined : `${formatAge(now - e.oldest)} ago`,
        ]),
      },
    };
  },
};

const list: CliCommand = {
  summary: "the newest messages of the send queue",
  details: `Newest first, ${DEFAULT_LIST_LIMIT} unless --limit says otherwise. ${JSON_HINT}`,
  options: {
    state: {
      type: "string",
      value: "<state>",
      description: `only messages in this state (${QUEUE_STATES.join(", ")})`,
    },
    tenant: TENANT_OPTION,
    limit: { type: "string", value: "<n>", description: `at most this many rows (default ${DEFAULT_LIST_LIMIT})` },
  },
  async run(context, input) {
    const { outgoing } = coreTables.for(context.db);
    const state = input.values.state;
    if (state !== undefined && !(QUEUE_STATES as readonly unknown[]).includes(state)) {
      throw new CliInputError(`--state must be one of ${QUEUE_STATES.join(", ")} (got "${String(state)}")`);
    }
    const limit = listLimit(input);
    const tenantId = await tenantFilter(context, input);
    const filters: SQL[] = [];
    if (typeof state === "string") filters.push(eq(outgoing.state, state));
    if (tenantId !== undefined) filters.push(eq(outgoing.tenantId, tenantId));
    const rows = await context.db
      .select({
        id: outgoing.id,
        tenantId: outgoing.tenantId,
        crmMessageId: outgoing.crmMessageId,
        action: outgoing.action,
        contact: outgoing.contact,
        state: outgoing.state,
        attempts: outgoing.attempts,
        createdAt: outgoing.createdAt,
        nextAttemptAt: outgoing.nextAttemptAt,
        finishedAt: outgoing.finishedAt,
        lastError: outgoing.lastError,
      })
      .from(outgoing)
      .where(and(...filters))
      .orderBy(desc(outgoing.id))
      .limit(limit);
    const messages = rows.map((r) => ({
      ...r,
      id: Number(r.id),
      createdAt: isoTime(r.createdAt),
      nextAttemptAt: r.state === "queued" ? isoTime(r.nextAttemptAt) : undefined,
      finishedAt: isoTime(r.finishedAt),
    }));
    return {
      json: { messages, limit },
      table: {
        columns: [
          "id",
          "tenant",
          "state",
          "action",
          "attempts",
          "crm id",
          "contact",
          "created",
          "next attempt",
          "last error",
        ],
        rows: messages.map((m) => [
          m.id,
          m.tenantId,
          m.state,
          m.action,
          m.attempts,
          m.crmMessageId,
          m.contact,
          m.createdAt,
          m.nextAttemptAt,
          m.lastError === null ? undefined : ellipsis(m.lastError, 60),
        ]),
      },
      ...(rows.length === limit ? { lines: [`(the newest ${limit}; --limit shows more)`] } : {}),
    };
  },
};

const retry: CliCommand = {
  summary: "send failed messages again",
  usage: "<id> | --all-failed",
  details:
    "A retried message is due at once with its attempts counted from zero; the running gateway sends it and the CRM hears its new status. Only failed messages are retried.",
  options: {
    "all-failed": { type: "boolean", description: "every failed message (with --tenant: that tenant's)" },
    tenant: TENANT_OPTION,
  },
  async run(context, input) {
    const { outgoing } = coreTables.for(context.db);
    const all = input.values["all-failed"] === true;
    const [ref, ...extra] = input.positionals;
    if (all === (ref !== undefined) || extra.length) {
      throw new CliInputError("queue retry takes one message id, or --all-failed");
    }
    const tenantId = await tenantFilter(context, input);
    const filters: SQL[] = [eq(outgoing.state, "failed")];
    if (tenantId !== undefined) filters.push(eq(outgoing.tenantId, tenantId));
    if (ref !== undefined) filters.push(eq(outgoing.id, messageId(ref)));
    const now = Date.now();
    const retried = await context.db
      .update(outgoing)
      // From zero attempts, and no status reported: the CRM hears `sent` (or `error` again) for it.
      .set({ state: "queued", attempts: 0, nextAttemptAt: now, leaseUntil: null, finishedAt: null, statusRank: 0 })
      .where(and(...filters))
      .returning({ id: outgoing.id, tenantId: outgoing.tenantId });
    if (ref !== undefined && retried.length === 0) await explainNotRetried(context.db, messageId(ref), tenantId);
    await notifyOwners(
      context.db,
      "send",
      retried.map((r) => r.tenantId),
    );
    const ids = retried.map((r) => Number(r.id));
    return {
      json: { retried: ids.length, ids },
      lines: [ids.length === 1 ? `retried message ${ids[0]}` : `retried ${ids.length} failed messages`],
    };
  },
};

const purge: CliCommand = {
  summary: "delete finished messages older than a duration",
  usage: "--older-than <duration>",
  details:
    "Deletes sent and failed messages that finished longer ago than the duration (30m, 12h, 7d), with their channel ids, as the retention schedule does (SWITCHBOARD_KEEP_FINISHED_DAYS); queued and leased ones are never touched, nor a message an edit or delete still waits for.",
  options: {
    "older-than": { type: "string", value: "<duration>", description: "finished longer ago than this (30m, 12h, 7d)" },
  },
  async run(context, input) {
    const given = input.values["older-than"];
    if (typeof given !== "string") throw new CliInputError("queue purge needs --older-than <duration> (e.g. 7d)");
    if (input.positionals.length) throw new CliInputError("queue purge takes no arguments besides its options");
    const before = Date.now() - parseDuration(given, "--older-than");
    // The retention schedule's own delete, in small batches so a running gateway's writes wait only briefly.
    const { outgoing: purged } = await purgeFinishedMessages(context.db, before, { batchSize: PURGE_BATCH });
    return {
      json: { purged, finishedBefore: isoTime(before) },
      lines: [`purged ${purged} finished messages (finished before ${isoTime(before)})`],
    };
  },
};

/** Why the message `id` was not retried: it does not exist (for this tenant), or it is not failed. */
async function explainNotRetried(db: Database, id: number, tenantId: number | undefined): Promise<never> {
  const { outgoing } = coreTables.for(db);
  const [row] = await db
    .select({ state: outgoing.state, tenantId: outgoing.tenantId })
    .from(outgoing)
    .where(eq(outgoing.id, id))
    .limit(1);
  if (!row || (tenantId !== undefined && row.tenantId !== tenantId))
    throw new CliInputError(`no message ${id} in the send queue`);
  throw new CliInputError(`message ${id} is ${row.state}, not failed: only failed messages are retried`);
}

/** A message id as typed. */
export function messageId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliInputError(`a message id is a number (got "${text}")`);
  return Number(text);
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function ellipsis(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The `queue` group. */
export const queueCommands: CliGroup = {
  summary: "the send queue (messages from the CRM to the channel)",
  commands: { stats, list, retry, purge },
};
