import { salesRenderTenantKey, type PluginReference } from "@switchboard/host-salesrender";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { CORE_MIGRATIONS, Keyring, migrationsUpTo, openDatabase, SecretKey } from "@switchboard/core/internal";
import { describe, expect, it } from "vitest";
import { MessageStore } from "./message-store.js";
import { MIGRATIONS_FOLDER } from "./migrations.js";
import { TokenStore } from "./token-store.js";

const A: PluginReference = { companyId: "1", pluginAlias: "email", pluginId: "10" };
const B: PluginReference = { companyId: "2", pluginAlias: "email", pluginId: "20" };

describe("migration 0002 (tenant ids)", () => {
  it("keys every message and inbound token by its tenant's id: threading and the inbound URL still find them", async () => {
    const box = new Keyring(new SecretKey(randomBytes(32)));
    const path = join(mkdtempSync(join(tmpdir(), "email-upgrade-")), "email.sqlite");
    const before = openDatabase(path, {
      coreMigrations: migrationsUpTo(CORE_MIGRATIONS, "0003_send_parts"),
      gatewayMigrations: migrationsUpTo(MIGRATIONS_FOLDER, "0001_inbound_token_hash"),
      gatewayName: "email",
    });
    const sqlite = before.$client;
    const registration = sqlite.prepare(
      `INSERT INTO registrations (company_id, plugin_alias, plugin_id, public_id, hpt, cluster_uri, country, currency, registered_at)
       VALUES (?, ?, ?, ?, 'hpt', 'http://127.0.0.1:1/', 'RU', 'RUB', 1)`,
    );
    [A, B].forEach((ref, i) => registration.run(ref.companyId, ref.pluginAlias, ref.pluginId, `public-${i}`));
    const message = sqlite.prepare(
      `INSERT INTO email_messages (company_id, plugin_alias, plugin_id, message_id, direction, contact, chat_id, thread_id, subject, refs, created_at)
       VALUES (?, ?, ?, ?, ?, 'ann@example.org', ?, 'root@a', 'Order', ?, ?)`,
    );
    message.run(A.companyId, A.pluginAlias, A.pluginId, "root@a", "in", null, "", 1);
    message.run(A.companyId, A.pluginAlias, A.pluginId, "reply@a", "out", "chat-7", "root@a", 2);
    message.run(B.companyId, B.pluginAlias, B.pluginId, "root@a", "in", null, "", 3);
    const token = sqlite.prepare(`INSERT INTO email_inbound_tokens VALUES (?, ?, ?, ?, 5, ?)`);
    const hash = (text: string) => createHash("sha256").update(text).digest("hex");
    token.run(A.companyId, A.pluginAlias, A.pluginId, box.seal("token-a"), hash("token-a"));
    // A token stored before its hash existed: the store fills the hash at start, as before.
    token.run(B.companyId, B.pluginAlias, B.pluginId, box.seal("token-b"), null);
    sqlite.close();

    const after = openDatabase(path, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "email" });
    try {
      const idOf = (ref: PluginReference) =>
        (
          after.$client.prepare(`SELECT id FROM tenants WHERE tenant_key = ?`).get(salesRenderTenantKey(ref)) as {
            id: number;
          }
        ).id;
      const messages = new MessageStore(after);
      expect(await messages.get(idOf(A), "reply@a")).toMatchObject({
        threadId: "root@a",
        chatId: "chat-7",
        direction: "out",
      });
      expect(await messages.threadChatId(idOf(A), "root@a")).toBe("chat-7");
      expect(await messages.threadChatId(idOf(B), "root@a")).toBeNull();
      expect((await messages.latest(idOf(A), "ann@example.org", null))?.messageId).toBe("reply@a");
      const tokens = new TokenStore({ db: after, secrets: box });
      // The start fills the hash of the one token stored without it.
      expect(await tokens.hashUnhashed()).toBe(1);
      expect(await tokens.findTenantId("token-a")).toBe(idOf(A));
      expect(await tokens.findTenantId("token-b")).toBe(idOf(B));
      expect(await tokens.getOrCreate(idOf(A))).toBe("token-a");
    } finally {
      after.$client.close();
    }
  });
});
