import { salesRenderTenantKey, type PluginReference } from "@switchboard/host-salesrender";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { CORE_MIGRATIONS, Keyring, migrationsUpTo, openDatabase, SecretKey } from "@switchboard/core/internal";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrations.js";
import { WebhookSecrets } from "./webhook-secrets.js";

const A: PluginReference = { companyId: "1", pluginAlias: "telegram", pluginId: "10" };
const B: PluginReference = { companyId: "2 two", pluginAlias: "telegram", pluginId: "20" };

describe("migration 0001 (tenant ids)", () => {
  it("keys every telegram_webhooks row by its tenant's id, and each stored secret still opens the webhook", async () => {
    const box = new Keyring(new SecretKey(randomBytes(32)));
    const path = join(mkdtempSync(join(tmpdir(), "telegram-upgrade-")), "telegram.sqlite");
    const before = openDatabase(path, {
      coreMigrations: migrationsUpTo(CORE_MIGRATIONS, "0003_send_parts"),
      gatewayMigrations: migrationsUpTo(MIGRATIONS_FOLDER, "0000_telegram_webhooks"),
      gatewayName: "telegram",
    });
    const registration = before.$client.prepare(
      `INSERT INTO registrations (company_id, plugin_alias, plugin_id, public_id, hpt, cluster_uri, country, currency, registered_at)
       VALUES (?, ?, ?, ?, 'hpt', 'http://127.0.0.1:1/', 'RU', 'RUB', 1)`,
    );
    const webhook = before.$client.prepare(`INSERT INTO telegram_webhooks VALUES (?, ?, ?, ?, ?, 1)`);
    for (const [i, ref] of [A, B].entries()) {
      registration.run(ref.companyId, ref.pluginAlias, ref.pluginId, `public-${i}`);
      webhook.run(ref.companyId, ref.pluginAlias, ref.pluginId, `${i + 1}11111`, box.seal(`secret-${i}`));
    }
    // A row of a reference that never registered is kept too (it gets a tenant of its own).
    webhook.run("9", "telegram", "90", "999999", box.seal("secret-orphan"));
    before.$client.close();

    const after = openDatabase(path, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "telegram" });
    try {
      const idOf = (ref: PluginReference) =>
        (
          after.$client.prepare(`SELECT id FROM tenants WHERE tenant_key = ?`).get(salesRenderTenantKey(ref)) as {
            id: number;
          }
        ).id;
      const secrets = new WebhookSecrets({ db: after, secrets: box });
      expect(await secrets.find(idOf(A), "111111")).toBe("secret-0");
      expect(await secrets.find(idOf(B), "211111")).toBe("secret-1");
      expect(await secrets.find(idOf(B), "111111")).toBeUndefined();
      const orphan = { companyId: "9", pluginAlias: "telegram", pluginId: "90" };
      expect(await secrets.find(idOf(orphan), "999999")).toBe("secret-orphan");
      expect(after.$client.prepare(`SELECT count(*) AS n FROM telegram_webhooks`).get()).toEqual({ n: 3 });
    } finally {
      after.$client.close();
    }
  });
});
