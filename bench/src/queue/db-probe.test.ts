import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crmOutbox, openDatabase, outgoing, registrations, tenants } from "@switchboard/core/internal";
import { bitrix24Portals, MIGRATIONS_FOLDER as BITRIX24_MIGRATIONS } from "@switchboard/host-bitrix24";
import { afterAll, describe, expect, it } from "vitest";
import { DbProbe } from "./db-probe.js";

const dir = mkdtempSync(join(tmpdir(), "db-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("DbProbe", () => {
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
      await gateway
        .insert(outgoing)
        .values(
          states.map((state) => ({ tenantId, payload: "{}", contact: "c", state, nextAttemptAt: 1, createdAt: 1 })),
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
        expect(await probe.leased()).toBe(2);
        expect(await probe.sent()).toBe(1);
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
