import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SALESRENDER_HOST, salesRenderTenantKey, type PluginReference } from "@switchboard/host-salesrender";
import { createEchoGateway, type EchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, TENANT_B, textMessage, type Stack } from "../test/stack.js";
import { CORE_MIGRATIONS, openDatabase } from "./client.js";
import { migrationsUpTo } from "./migrations-up-to.js";

/** Core's schema before tenant ids (migration 0003). */
const BEFORE = () => migrationsUpTo(CORE_MIGRATIONS, "0003_send_parts");
const TENANT_TABLES = ["settings", "outgoing", "outgoing_parts", "crm_outbox", "seen_events", "stored_files"];

let crm: CrmSimulator;
let echo: EchoGateway;
const stacks: Stack[] = [];
beforeAll(async () => {
  crm = await startCrmSimulator();
  echo = createEchoGateway();
});
afterAll(async () => {
  for (const stack of stacks) await stack.close();
  await crm.close();
});

const rowsOf = (db: BetterSqlite3.Database, table: string) => db.prepare(`SELECT * FROM ${table}`).all();
const countOf = (db: BetterSqlite3.Database, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("migration 0004 (tenant ids)", () => {
  it("keeps every row of a database made before it, and the upgraded gateway works on them", async () => {
    const env = { SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64") };
    // A gateway of this version registers the tenants, so that the CRM knows their HPTs; its rows,
    // sealed with the same key, are what the older version had stored.
    const first = await startStack(echo.definition, { crm, env });
    expect(
      (await crm.putSettings(first.gw.url, TENANT_A, { main: { apiKey: "kept-key", greeting: "hi" } })).status,
    ).toBe(200);
    const port = first.gw.port;
    const current = new BetterSqlite3(first.dbPath, { readonly: true });
    const registered = current
      .prepare(
        `SELECT r.*, t.public_id FROM registrations r JOIN tenants t ON t.id = r.tenant_id ORDER BY r.company_id`,
      )
      .all() as Array<Record<string, unknown>>;
    const settingsData = (current.prepare(`SELECT data FROM settings`).get() as { data: string }).data;
    current.close();
    await first.close();

    const dir = mkdtempSync(join(tmpdir(), "switchboard-upgrade-"));
    const dbPath = join(dir, "gw.sqlite");
    const filesDir = join(dir, "files");
    const old = openDatabase(dbPath, { coreMigrations: BEFORE() });
    const sqlite = old.$client;
    const insertRegistration = sqlite.prepare(
      `INSERT INTO registrations (company_id, plugin_alias, plugin_id, public_id, hpt, cluster_uri, country, currency, registered_at, issuer, token_iat, token_jti)
       VALUES (@company_id, @plugin_alias, @plugin_id, @public_id, @hpt, @cluster_uri, @country, @currency, @registered_at, @issuer, @token_iat, @token_jti)`,
    );
    for (const row of registered) {
      const { tenant_id: _id, ...columns } = row;
      insertRegistration.run(columns);
    }
    const [a, b] = [TENANT_A, TENANT_B].map((ref) => [ref.companyId, ref.pluginAlias, ref.pluginId] as const);
    sqlite.prepare(`INSERT INTO settings VALUES (?, ?, ?, ?, 1)`).run(...a!, settingsData);
    const outgoing = sqlite.prepare(
      `INSERT INTO outgoing (company_id, plugin_alias, plugin_id, crm_message_id, payload, contact, state, attempts, next_attempt_at, status_rank, created_at)
       VALUES (?, ?, ?, ?, ?, 'echo://alice', ?, ?, 0, ?, ?)`,
    );
    const payload = (id: string) => JSON.stringify(textMessage(id, `text of ${id}`));
    const queued = Number(
      outgoing.run(...a!, "queued-before", payload("queued-before"), "queued", 0, 0, Date.now()).lastInsertRowid,
    );
    const sent = Number(
      outgoing.run(...b!, "sent-before", payload("sent-before"), "sent", 1, 1, Date.now()).lastInsertRowid,
    );
    sqlite.prepare(`INSERT INTO outgoing_parts VALUES (?, ?, ?, 'channel-1', ?, 1, NULL)`).run(...b!, sent);
    sqlite.prepare(`INSERT INTO outgoing_send_parts VALUES (?, 0, 'channel-part-0')`).run(queued);
    const body = JSON.stringify({
      chat: { id: null, contact: "echo://bob", subject: null },
      message: { content: { text: "waiting in the outbox", format: "text" }, attachments: [] },
    });
    sqlite
      .prepare(
        `INSERT INTO crm_outbox (company_id, plugin_alias, plugin_id, kind, body, order_key, attempts, next_attempt_at, created_at, expires_at)
         VALUES (?, ?, ?, 'incoming', ?, ?, 0, 0, ?, ?)`,
      )
      .run(...a!, body, `incoming:${a!.join("/")}:echo://bob`, Date.now(), Date.now() + 3600_000);
    sqlite.prepare(`INSERT INTO seen_events VALUES (?, ?, ?, 'incoming', 'seen-1', ?)`).run(...a!, Date.now());
    const fileId = "0b6f1d3c-7c0e-4b8e-9a51-2f6f2f3b8a11";
    sqlite
      .prepare(`INSERT INTO stored_files VALUES (?, ?, ?, ?, 'kept.txt', 'text/plain', 4, ?)`)
      .run(fileId, ...a!, Date.now());
    mkdirSync(join(filesDir, ...a!), { recursive: true });
    writeFileSync(join(filesDir, ...a!, fileId), "kept");
    const before = new Map(TENANT_TABLES.map((table) => [table, countOf(sqlite, table)]));
    sqlite.close();

    const stack = await startStack(echo.definition, {
      crm,
      dbPath,
      register: false,
      env: { ...env, PORT: String(port), SWITCHBOARD_FILES_DIR: filesDir },
    });
    stacks.push(stack);
    const upgraded = stack.gw.runtime.db.$client;
    const tenantRows = rowsOf(upgraded, "tenants") as Array<{ id: number; tenant_key: string; public_id: string }>;
    expect(tenantRows.map((t) => [t.tenant_key, t.public_id])).toEqual(
      registered.map((r) => [
        salesRenderTenantKey({
          companyId: String(r.company_id),
          pluginAlias: String(r.plugin_alias),
          pluginId: String(r.plugin_id),
        }),
        r.public_id,
      ]),
    );
    for (const table of TENANT_TABLES) expect(countOf(upgraded, table), table).toBe(before.get(table));
    const tenantA = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    const tenantB = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_B)))!;
    expect(tenantA.settings).toMatchObject({ main: { apiKey: "kept-key", greeting: "hi" } });
    expect(tenantA.country).toBe(registered[0]!.country);
    expect(upgraded.prepare(`SELECT tenant_id, order_key FROM crm_outbox`).all()).toEqual([
      { tenant_id: tenantA.id, order_key: `incoming:${tenantA.id}:echo://bob` },
    ]);
    expect(upgraded.prepare(`SELECT * FROM outgoing_send_parts`).all()).toEqual([
      { outgoing_id: queued, part_index: 0, channel_message_id: "channel-part-0" },
    ]);

    // The queued message is sent, and the CRM hears of it (signed with the kept HPT).
    await crm.waitFor(() => crm.statusesOf("queued-before").includes("sent"));
    expect(echo.calls.map((m) => m.message.id)).toContain("queued-before");
    // The request waiting in the outbox reaches the CRM.
    await crm.waitFor(() => crm.incoming.some((r) => r.body.message.content?.text === "waiting in the outbox"));
    // A status of a part sent before the upgrade still finds its message.
    const hook = `${stack.gw.url}echo/webhook/${tenantB.publicId}`;
    const post = (json: unknown) =>
      fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
    expect((await post({ status: { of: "channel-1", is: "delivered" } })).status).toBe(200);
    await crm.waitFor(() => crm.statusesOf("sent-before").includes("delivered"));
    // An event seen before the upgrade is still a repeat; a new one is forwarded.
    const hookA = `${stack.gw.url}echo/webhook/${tenantA.publicId}`;
    for (const [id, text] of [
      ["seen-1", "repeat from before"],
      ["seen-2", "new after the upgrade"],
    ]) {
      await fetch(hookA, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id, from: "echo://carol", text }),
      });
    }
    await crm.waitFor(() => crm.incoming.some((r) => r.body.message.content?.text === "new after the upgrade"));
    expect(crm.incoming.filter((r) => r.body.message.content?.text === "repeat from before")).toEqual([]);
    // The stored file is still served from its folder.
    const link = stack.gw.runtime.files.link(tenantA, "stored", fileId);
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("kept");
  }, 60_000);

  it("builds the tenant key in SQL exactly as salesRenderTenantKey does, whatever the reference holds", () => {
    const refs: PluginReference[] = [
      { companyId: "1", pluginAlias: "echo", pluginId: "11" },
      { companyId: "a b/c?d#e", pluginAlias: "é€😀", pluginId: "%.~*()!'x-_" },
      { companyId: "", pluginAlias: "x:y=z&", pluginId: "Ωz+" },
    ];
    const path = join(mkdtempSync(join(tmpdir(), "switchboard-keys-")), "keys.sqlite");
    const before = openDatabase(path, { coreMigrations: BEFORE() });
    const insert = before.$client.prepare(
      `INSERT INTO registrations (company_id, plugin_alias, plugin_id, public_id, hpt, cluster_uri, country, currency, registered_at)
       VALUES (?, ?, ?, ?, 'hpt', 'http://127.0.0.1:1/', 'RU', 'RUB', 1)`,
    );
    refs.forEach((ref, i) => insert.run(ref.companyId, ref.pluginAlias, ref.pluginId, `public-${i}`));
    // A reference with rows but no registration still gets a tenant, so its rows are kept.
    before.$client.prepare(`INSERT INTO seen_events VALUES ('9', 'orphan', '9', 'incoming', 'x', 1)`).run();
    before.$client.close();
    const after = openDatabase(path);
    const keys = after.$client.prepare(`SELECT tenant_key, public_id FROM tenants ORDER BY id`).all();
    expect(keys).toEqual([
      ...refs.map((ref, i) => ({ tenant_key: salesRenderTenantKey(ref), public_id: `public-${i}` })),
      { tenant_key: "9/orphan/9", public_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    const orphan = after.$client.prepare(`SELECT id FROM tenants WHERE tenant_key = '9/orphan/9'`).get() as {
      id: number;
    };
    expect(after.$client.prepare(`SELECT tenant_id FROM seen_events`).all()).toEqual([{ tenant_id: orphan.id }]);
    after.$client.close();
  });
});
