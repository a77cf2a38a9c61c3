/**
 * @module cli/tenant-commands — `tenants list`: who the gateway serves, with their queue at a
 * glance; never their settings (they hold secrets), only whether some are saved.
 */
import { asc, count, inArray } from "drizzle-orm";
import { coreTables } from "../db/schema.js";
import type { CliCommand, CliGroup } from "./cli-types.js";
import { isoTime } from "./output.js";

const list: CliCommand = {
  summary: "every tenant, its public id and its queue",
  async run(context) {
    const { tenants, settings, outgoing } = coreTables.for(context.db);
    const rows = await context.db.select().from(tenants).orderBy(asc(tenants.id));
    const saved = new Set((await context.db.select({ id: settings.tenantId }).from(settings)).map((r) => r.id));
    const waiting = new Map<number, { queued: number; failed: number }>();
    const counts = await context.db
      .select({ tenantId: outgoing.tenantId, state: outgoing.state, n: count() })
      .from(outgoing)
      .where(inArray(outgoing.state, ["queued", "leased", "failed"]))
      .groupBy(outgoing.tenantId, outgoing.state);
    for (const { tenantId, state, n } of counts) {
      const entry = waiting.get(tenantId) ?? { queued: 0, failed: 0 };
      if (state === "failed") entry.failed += Number(n);
      else entry.queued += Number(n);
      waiting.set(tenantId, entry);
    }
    const list = rows.map((t) => ({
      id: t.id,
      host: t.host,
      key: t.tenantKey,
      publicId: t.publicId,
      country: t.country,
      createdAt: isoTime(t.createdAt),
      settingsSaved: saved.has(t.id),
      queued: waiting.get(t.id)?.queued ?? 0,
      failed: waiting.get(t.id)?.failed ?? 0,
    }));
    return {
      json: { tenants: list },
      table: {
        columns: ["id", "host", "key", "public id", "country", "created", "settings", "queued", "failed"],
        rows: list.map((t) => [
          t.id,
          t.host,
          t.key,
          t.publicId,
          t.country,
          t.createdAt,
          t.settingsSaved ? "saved" : "none",
          t.queued,
          t.failed,
        ]),
      },
    };
  },
};

/** The `tenants` group. */
export const tenantCommands: CliGroup = {
  summary: "the tenants (CRM accounts) this gateway serves",
  commands: { list },
};
