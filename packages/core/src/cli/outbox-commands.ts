/**
 * @module cli/outbox-commands — `outbox stats|list|retry`: the CRM outbox's requests (incoming
 * messages and statuses not yet delivered to the CRM). A request stays until the CRM took it or it
 * expired; `retry` makes waiting ones due at once, and the gateway owning the tenant delivers them.
 */
import { and, asc, count, eq, gt, min, sql, type SQL } from "drizzle-orm";
import { coreTables } from "../db/schema.js";
import { CliInputError } from "./cli-errors.js";
import type { CliCommand, CliGroup } from "./cli-types.js";
import { formatAge } from "./durations.js";
import { isoTime } from "./output.js";
import { DEFAULT_LIST_LIMIT, listLimit, messageId, notifyOwners, tenantFilter } from "./queue-commands.js";

const TENANT_OPTION = {
  type: "string",
  value: "<tenant>",
  description: "only this tenant (its id or public id)",
} as const;

const stats: CliCommand = {
  summary: "requests waiting for the CRM, by kind",
  options: { tenant: TENANT_OPTION },
  async run(context, input) {
    const { crmOutbox } = coreTables.for(context.db);
    const tenantId = await tenantFilter(context, input);
    const rows = await context.db
      .select({
        kind: crmOutbox.kind,
        n: count(),
        failing: sql<number | string>`sum(CASE WHEN ${crmOutbox.attempts} > 0 THEN 1 ELSE 0 END)`,
        oldest: min(crmOutbox.createdAt),
      })
      .from(crmOutbox)
      .where(tenantId === undefined ? undefined : eq(crmOutbox.tenantId, tenantId))
      .groupBy(crmOutbox.kind);
    const byKind = new Map(rows.map((r) => [r.kind as string, r]));
    const now = Date.now();
    const entries = ["incoming", "status"].map((kind) => {
      const row = byKind.get(kind);
      const oldest = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
      return { kind, count: Number(row?.n ?? 0), failing: Number(row?.failing ?? 0), oldest };
    });
    return {
      json: {
        ...(tenantId === undefined ? {} : { tenant: tenantId }),
        kinds: Object.fromEntries(
          entries.map((e) => [
            e.kind,
            { requests: e.count, failing: e.failing, oldestCreatedAt: isoTime(e.oldest) ?? null },
          ]),
        ),
        total: entries.reduce((sum, e) => sum + e.count, 0),
      },
      table: {
        columns: ["kind", "requests", "failing", "oldest"],
        rows: entries.map((e) => [
          e.kind,
          e.count,
          e.failing,
          e.oldest === null ? undefined : `${formatAge(now - e.oldest)} ago`,
        ]),
      },
    };
  },
};

const list: CliCommand = {
  summary: "the oldest requests waiting for the CRM",
  details: `Oldest first, ${DEFAULT_LIST_LIMIT} unless --limit says otherwise; the bodies (customers' words) are not shown.`,
  options: {
    failing: { type: "boolean", description: "only requests the CRM refused or did not answer at least once" },
    tenant: TENANT_OPTION,
    limit: { type: "string", value: "<n>", description: `at most this many rows (default ${DEFAULT_LIST_LIMIT})` },
  },
  async run(context, input) {
    const { crmOutbox } = coreTables.for(context.db);
    const limit = listLimit(input);
    const tenantId = await tenantFilter(context, input);
    const filters: SQL[] = [];
    if (input.values.failing === true) filters.push(gt(crmOutbox.attempts, 0));
    if (tenantId !== undefined) filters.push(eq(crmOutbox.tenantId, tenantId));
    const rows = await context.db
      .select({
        id: crmOutbox.id,
        tenantId: crmOutbox.tenantId,
        kind: crmOutbox.kind,
        attempts: crmOutbox.attempts,
        createdAt: crmOutbox.createdAt,
        nextAttemptAt: crmOutbox.nextAttemptAt,
        expiresAt: crmOutbox.expiresAt,
        lastError: crmOutbox.lastError,
      })
      .from(crmOutbox)
      .where(and(...filters))
      .orderBy(asc(crmOutbox.id))
      .limit(limit);
    const requests = rows.map((r) => ({
      ...r,
      id: Number(r.id),
      createdAt: isoTime(r.createdAt),
      nextAttemptAt: isoTime(r.nextAttemptAt),
      expiresAt: isoTime(r.expiresAt),
    }));
    return {
      json: { requests, limit },
      table: {
        columns: ["id", "tenant", "kind", "attempts", "created", "next attempt", "expires", "last error"],
        rows: requests.map((r) => [
          r.id,
          r.tenantId,
          r.kind,
          r.attempts,
          r.createdAt,
          r.nextAttemptAt,
          r.expiresAt,
          r.lastError === null ? undefined : r.lastError.length > 60 ? `${r.lastError.slice(0, 59)}…` : r.lastError,
        ]),
      },
      ...(rows.length === limit ? { lines: [`(the oldest ${limit}; --limit shows more)`] } : {}),
    };
  },
};

const retry: CliCommand = {
  summary: "deliver waiting requests to the CRM now",
  usage: "<id> | --all",
  details:
    "Makes requests waiting after a failed delivery due at once (their expiry stays); the running gateway delivers them in chat order.",
  options: {
    all: { type: "boolean", description: "every request waiting after a failure (with --tenant: that tenant's)" },
    tenant: TENANT_OPTION,
  },
  async run(context, input) {
    const { crmOutbox } = coreTables.for(context.db);
    const all = input.values.all === true;
    const [ref, ...extra] = input.positionals;
    if (all === (ref !== undefined) || extra.length)
      throw new CliInputError("outbox retry takes one request id, or --all");
    const tenantId = await tenantFilter(context, input);
    const now = Date.now();
    const filters: SQL[] = [];
    if (ref !== undefined) filters.push(eq(crmOutbox.id, messageId(ref)));
    else filters.push(gt(crmOutbox.attempts, 0), gt(crmOutbox.nextAttemptAt, now));
    if (tenantId !== undefined) filters.push(eq(crmOutbox.tenantId, tenantId));
    const due = await context.db
      .update(crmOutbox)
      .set({
        nextAttemptAt: sql`CASE WHEN ${crmOutbox.nextAttemptAt} > ${now} THEN ${now} ELSE ${crmOutbox.nextAttemptAt} END`,
      })
      .where(and(...filters))
      .returning({ id: crmOutbox.id, tenantId: crmOutbox.tenantId });
    if (ref !== undefined && due.length === 0) {
      throw new CliInputError(`no request ${ref} in the CRM outbox (delivered or expired already?)`);
    }
    await notifyOwners(
      context.db,
      "outbox",
      due.map((r) => r.tenantId),
    );
    const ids = due.map((r) => Number(r.id));
    return {
      json: { retried: ids.length, ids },
      lines: [ref !== undefined ? `request ${ids[0]} is due now` : `${ids.length} waiting requests are due now`],
    };
  },
};

/** The `outbox` group. */
export const outboxCommands: CliGroup = {
  summary: "the CRM outbox (incoming messages and statuses for the CRM)",
  commands: { stats, list, retry },
};
