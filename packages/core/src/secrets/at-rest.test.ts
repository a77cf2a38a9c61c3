import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { databaseBytes, startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway, type EchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, textMessage, type Stack } from "../test/stack.js";
import { Keyring } from "./keyring.js";
import { generatedKeyPath } from "./open-keyring.js";
import { SecretKey } from "./secret-key.js";

const HPT = `hpt-${randomBytes(12).toString("hex")}`;
const API_KEY = `api-key-${randomBytes(12).toString("hex")}`;
const keyText = () => randomBytes(32).toString("base64");

let crm: CrmSimulator;
let echo: EchoGateway;
beforeAll(async () => {
  crm = await startCrmSimulator();
  echo = createEchoGateway();
});
afterAll(() => crm.close());

/** A database path in a folder that does not exist yet (so the gateway creates it). */
function freshDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), "switchboard-at-rest-")), "data", "gw.sqlite");
}

/** The values of the secret columns, read straight from the file. */
function storedSecrets(dbPath: string): string[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return [
      ...db.prepare(`SELECT hpt AS v FROM registrations`).all(),
      ...db.prepare(`SELECT data AS v FROM settings`).all(),
      ...db.prepare(`SELECT value AS v FROM meta WHERE key = 'file_link_secret'`).all(),
    ].map((r) => (r as { v: string }).v);
  } finally {
    db.close();
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** Gateway ports by database: a restarted gateway keeps its URL, which the CRM knows it by. */
const ports = new Map<string, number>();

async function start(dbPath: string, env: Record<string, string> = {}): Promise<Stack> {
  const port = ports.get(dbPath);
  const stack = await startStack(echo.definition, {
    crm,
    dbPath,
    register: false,
    env: { ...(port ? { PORT: String(port) } : {}), ...env },
  });
  ports.set(dbPath, stack.gw.port);
  // Kept-alive sockets to the stopped gateway on this port fail once each; use them up first.
  if (port) await crm.waitFor(async () => (await fetch(`${stack.gw.url}healthz`).catch(() => undefined))?.ok);
  return stack;
}

/** Registers A with a known HPT, saves a password setting and stores a file. */
async function provision(stack: Stack): Promise<string> {
  expect((await crm.register(stack.gw.url, TENANT_A, { HPT })).status).toBe(200);
  expect((await crm.putSettings(stack.gw.url, TENANT_A, { main: { apiKey: API_KEY } })).status).toBe(200);
  const tenant = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
  return stack.gw.runtime.files.store(tenant, { name: "a.txt", contentType: "text/plain", data: Buffer.from("x") });
}

/** A works: settings open, a send goes out, and the CRM verifies an incoming message signed with HPT. */
async function servesTenant(stack: Stack, text: string) {
  const settings = await crm.getSettings(stack.gw.url, TENANT_A);
  expect(await settings.json()).toMatchObject({ main: { apiKey: true } });
  expect(
    (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.settings.main,
  ).toMatchObject({ apiKey: API_KEY });
  expect((await crm.send(stack.gw.url, TENANT_A, textMessage(`send-${text}`))).status).toBe(202);
  const publicId = (await stack.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!.publicId;
  const hook = await fetch(`${stack.gw.url}echo/webhook/${publicId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: "echo://erin", text }),
  });
  expect(hook.status).toBe(200);
  await crm.waitFor(() => crm.incoming.some((r) => r.body.message.content?.text === text));
  await crm.waitFor(() => echo.calls.some((m) => m.message.id === `send-${text}`));
}

describe("secrets at rest", () => {
  it("never writes an HPT, a password setting or the file-link key in plain text; files are 0600, folders 0700", async () => {
    const dbPath = freshDbPath();
    const key = keyText();
    const stack = await start(dbPath, { SWITCHBOARD_SECRET_KEY: key });
    const link = await provision(stack);
    expect((await fetch(link)).status).toBe(200);

    const ring = new Keyring(SecretKey.parse(key)!);
    const stored = storedSecrets(dbPath);
    expect(stored).toHaveLength(3);
    for (const value of stored) expect(ring.isCurrent(value)).toBe(true);
    const linkKey = ring.open(stored[2]!);
    const raw = databaseBytes(dbPath);
    for (const secret of [HPT, API_KEY, linkKey, Buffer.from(linkKey, "base64url").toString("hex")]) {
      expect(raw.includes(secret), `"${secret.slice(0, 12)}…" is in the database files`).toBe(false);
    }
    expect(raw.includes(Buffer.from(linkKey, "base64url"))).toBe(false);

    for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) expect(mode(file)).toBe(0o600);
    expect(mode(dirname(dbPath))).toBe(0o700);
    const filesDir = join(dirname(dbPath), "echo-files");
    const tenantDir = join(filesDir, TENANT_A.companyId, TENANT_A.pluginAlias, TENANT_A.pluginId);
    for (const dir of [filesDir, join(filesDir, TENANT_A.companyId), tenantDir]) expect(mode(dir)).toBe(0o700);
    const [storedFile] = stack.gw.runtime.db.$client.prepare(`SELECT id FROM stored_files`).all() as { id: string }[];
    expect(mode(join(tenantDir, storedFile!.id))).toBe(0o600);
    await stack.close();
  });

  it("still serves a tenant after a key rotation, re-encrypting everything with the new key at start", async () => {
    const dbPath = freshDbPath();
    const oldKey = keyText();
    const first = await start(dbPath, { SWITCHBOARD_SECRET_KEY: oldKey });
    await provision(first);
    await first.close();

    const newKey = keyText();
    const rotated = await start(dbPath, { SWITCHBOARD_SECRET_KEY: newKey, SWITCHBOARD_SECRET_KEYS_OLD: oldKey });
    const current = new Keyring(SecretKey.parse(newKey)!);
    for (const value of storedSecrets(dbPath)) expect(current.isCurrent(value)).toBe(true);
    await servesTenant(rotated, "after rotation");
    await rotated.close();

    // Nothing needs the old key any more.
    const withoutOld = await start(dbPath, { SWITCHBOARD_SECRET_KEY: newKey });
    await servesTenant(withoutOld, "without the old key");
    await withoutOld.close();

    await expect(start(dbPath, { SWITCHBOARD_SECRET_KEY: oldKey })).rejects.toThrow(
      /sealed with key .* neither SWITCHBOARD_SECRET_KEY nor in SWITCHBOARD_SECRET_KEYS_OLD/,
    );
  });

  it("encrypts the plaintext secrets of a database from before encryption, leaving no copy in its files", async () => {
    const dbPath = freshDbPath();
    const stack = await start(dbPath, { SWITCHBOARD_SECRET_KEY: keyText() });
    await provision(stack);
    await stack.close();
    // Turn it into a database of the previous version: every secret in plain text.
    const legacyLinkKey = randomBytes(32).toString("base64url");
    const db = new BetterSqlite3(dbPath);
    db.prepare(`UPDATE registrations SET hpt = ?`).run(HPT);
    db.prepare(`UPDATE settings SET data = ?`).run(JSON.stringify({ main: { apiKey: API_KEY } }));
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'file_link_secret'`).run(legacyLinkKey);
    db.close();
    expect(databaseBytes(dbPath).includes(HPT)).toBe(true);

    const key = keyText();
    const upgraded = await start(dbPath, { SWITCHBOARD_SECRET_KEY: key });
    const ring = new Keyring(SecretKey.parse(key)!);
    for (const value of storedSecrets(dbPath)) expect(ring.isCurrent(value)).toBe(true);
    const raw = databaseBytes(dbPath);
    for (const secret of [HPT, API_KEY, legacyLinkKey]) expect(raw.includes(secret)).toBe(false);
    await servesTenant(upgraded, "after the upgrade");
    await upgraded.close();
  });

  it("without SWITCHBOARD_SECRET_KEY outside production, generates a key next to the database and keeps using it", async () => {
    const dbPath = freshDbPath();
    const stack = await start(dbPath);
    await provision(stack);
    await stack.close();
    const keyFile = generatedKeyPath(dbPath);
    expect(keyFile).toBe(`${dbPath}.key`);
    expect(mode(keyFile)).toBe(0o600);
    const generated = SecretKey.parse(readFileSync(keyFile, "utf8"))!;
    for (const value of storedSecrets(dbPath)) expect(new Keyring(generated).isCurrent(value)).toBe(true);

    const again = await start(dbPath);
    await servesTenant(again, "with the generated key");
    await again.close();

    // Moving to an explicit key: the generated one still opens, and everything is re-sealed.
    const key = keyText();
    const explicit = await start(dbPath, { SWITCHBOARD_SECRET_KEY: key });
    for (const value of storedSecrets(dbPath)) expect(new Keyring(SecretKey.parse(key)!).isCurrent(value)).toBe(true);
    await explicit.close();
  });

  it("refuses to start with NODE_ENV=production and no key", async () => {
    await expect(start(freshDbPath(), { NODE_ENV: "production" })).rejects.toThrow(
      /SWITCHBOARD_SECRET_KEY: required when NODE_ENV=production/,
    );
  });
});
