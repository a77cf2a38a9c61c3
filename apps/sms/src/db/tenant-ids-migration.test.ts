import { salesRenderTenantKey, type PluginReference } from "@switchboard/host-salesrender";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { CORE_MIGRATIONS, migrationsUpTo, openDatabase } from "@switchboard/core/internal";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrations.js";
import { OptOuts } from "./opt-outs.js";

const A: PluginReference = { companyId: "1", pluginAlias: "sms", pluginId: "10" };
const B: PluginReference = { companyId: "2/b", pluginAlias: "sms", pluginId: "ü" };
const PHONE = "+14155550100";

describe("migration 0002 (tenant ids)", () => {
  it("keys every opt-out by its tenant's id, and each still holds for its tenant only", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sms-upgrade-")), "sms.sqlite");
    const before = openDatabase(path, {
      coreMigrations: migrationsUpTo(CORE_MIGRATIONS, "0003_send_parts"),
      gatewayMigrations: migrationsUpTo(MIGRATIONS_FOLDER, "0001_sent_parts_to_core"),
      gatewayName: "sms",
    });
    const registration = before.$client.prepare(
      `INSERT INTO registrations (company_id, plugin_alias, plugin_id, public_id, hpt, cluster_uri, country, currency, registered_at)
       VALUES (?, ?, ?, ?, 'hpt', 'http://127.0.0.1:1/', 'US', 'USD', 1)`,
    );
    [A, B].forEach((ref, i) => registration.run(ref.companyId, ref.pluginAlias, ref.pluginId, `public-${i}`));
    const optOut = before.$client.prepare(`INSERT INTO sms_opt_outs VALUES (?, ?, ?, ?, ?, 1234)`);
    optOut.run(A.companyId, A.pluginAlias, A.pluginId, PHONE, "STOP");
    optOut.run(B.companyId, B.pluginAlias, B.pluginId, "+14155550111", "21610");
    before.$client.close();

    const after = openDatabase(path, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "sms" });
    try {
      const idOf = (ref: PluginReference) =>
        (
          after.$client.prepare(`SELECT id FROM tenants WHERE tenant_key = ?`).get(salesRenderTenantKey(ref)) as {
            id: number;
          }
        ).id;
      const optOuts = new OptOuts(after);
      expect(await optOuts.get(idOf(A), PHONE)).toEqual({ keyword: "STOP", optedOutAt: 1234 });
      expect(await optOuts.get(idOf(B), PHONE)).toBeUndefined();
      expect(await optOuts.get(idOf(B), "+14155550111")).toEqual({ keyword: "21610", optedOutAt: 1234 });
      expect(await optOuts.optIn(idOf(A), PHONE)).toBe(true);
      expect(await optOuts.get(idOf(A), PHONE)).toBeUndefined();
    } finally {
      after.$client.close();
    }
  });
});
