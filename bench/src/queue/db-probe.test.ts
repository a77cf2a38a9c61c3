import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@switchboard/core";
import {
  coreTables,
  crmOutbox,
  openDatabase,
  openPostgres,
  outgoing,
  registrations,
  tenants,
} from "@switchboard/core/internal";
import { bitrix24Portals, MIGRATIONS_FOLDER as BITRIX24_MIGRATIONS } from "@switchboard/host-bitrix24";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { DbProbe } from "./db-probe.js";

const dir = mkdtempSync(join(tmpdir(), "db-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("DbProbe on SQLite", () => {
  it("counts a gateway's queue, outbox, registrations and portals needing re-authorisation from beside it", async () => {
    const path = join(dir, "gateway.sqlite");
    const gateway = openDatabase(path, { hostMigrations: [{ name: "bitrix24", folder: BITRIX24_MIGRATIONS }] });
    try {
      const [tenant] = await gateway
        .insert(tenants)
        .values({ host: "salesrender", tenantKey: "1/chat/1", publicId: "p1", createdAt: 1 })
        .returning({ id: tenants.id });
      const tenantId = tenant!.id;
      const states = ["queued", "leased", "leased", "sent", "failed"];
      const payloads = ["{}", '{"text":"a [[m1]]"}', '{"text":"b [[m1]]"}', '{"text":"c [[m2]] [[m3]]"}', "{}"];
      await gateway.insert(outgoing).values(
        states.map((state, i) => ({
          tenantId,
          payload: payloads[i]!,
          contact: "c",
          state,
          nextAttemptAt: 1,
          createdAt: 1,
        })),
      );
      const request = { tenantId, body: "{}", orderKey: "c", nextAttemptAt: 1, createdAt: 1, expiresAt: 9 };
      await gateway.insert(crmOutbox).values([
        { ...request, kind: "incoming" },
        { ...request, kind: "status" },
      ]);
      await gateway.insert(registrations).values({
        tenantId,
        companyId: "1",
        pluginAlias: "chat",
        pluginId: "1",
        hpt: "sealed",
        clusterUri: "http://127.0.0.1:1/",
        country: "RU",
        currency: "RUB",
        registeredAt: 1,
      });
      const portal = { domain: "p.test", clientEndpoint: "https://p.test/rest/", installedAt: 1, updatedAt: 1 };
      await gateway.insert(bitrix24Portals).values([
        { memberId: "m-1", ...portal, needsReauth: true },
        { memberId: "m-2", ...portal },
      ]);

      const probe = new DbProbe(path);
      try {
        expect(await probe.total()).toBe(5);
        expect(await probe.unfinished()).toBe(3);
        expect(await probe.anyUnfinished()).toBe(true);
        expect(await probe.leased()).toBe(2);
        expect(await probe.sent()).toBe(1);
        expect(await probe.failed()).toBe(1);
        // A row's first marker is what the bench sent; rows without one count under "".
        expect(await probe.markerCounts()).toEqual(
          new Map([
            ["", 2],
            ["m1", 2],
            ["m2", 1],
          ]),
        );
        expect(await probe.outboxPending()).toBe(2);
        expect(await probe.registrations()).toBe(1);
        expect(await probe.portalsNeedingReauthorisation()).toBe(1);
      } finally {
        probe.close();
      }
    } finally {
      gateway.$client.close();
    }
  });
});

const pg = await postgresTestDatabase();

describe.skipIf(!pg)("DbProbe on PostgreSQL", () => {
  it("counts the replicas' shared queue and reads which replica owns each tenant's sending", async () => {
    const opened = await openPostgres(pg!.url);
    // Portable code takes a PostgreSQL handle typed as the SQLite one.
    const db = opened as unknown as Database;
    try {
      const t = coreTables.for(db);
      const rows = await db
        .insert(t.tenants)
        .values(
          [1, 2, 3].map((n) => ({ host: "salesrender", tenantKey: `${n}/chat/${n}`, publicId: `p${n}`, createdAt: 1 })),
        )
        .returning({ id: t.tenants.id });
      const [a, b, c] = rows.map((r) => r.id);
      const states = ["queued", "leased", "sent"];
      await db
        .insert(t.outgoing)
        .values(
          states.map((state) => ({ tenantId: a!, payload: "{}", contact: "c", state, nextAttemptAt: 1, createdAt: 1 })),
        );
      // a and b owned now, c's lease ran out an hour ago (nobody owns it).
      await opened.execute(sql`INSERT INTO shards (shard, owner, lease_until) VALUES
        (${a}, 'host-101-aaaa', extract(epoch from now()) * 1000 + 60000),
        (${b}, 'host-102-bbbb', extract(epoch from now()) * 1000 + 60000),
        (${c}, 'host-103-cccc', extract(epoch from now()) * 1000 - 3600000)`);

      const probe = await DbProbe.open({ kind: "postgres", url: pg!.url });
      try {
        expect(await probe.total()).toBe(3);
        expect(await probe.unfinished()).toBe(2);
        expect(await probe.anyUnfinished()).toBe(true);
        expect(await probe.leased()).toBe(1);
        expect(await probe.owners()).toEqual(
          new Map([
            [a, "host-101-aaaa"],
            [b, "host-102-bbbb"],
          ]),
        );
      } finally {
        probe.close();
      }
    } finally {
      await opened.$client.end();
    }
  });
});
