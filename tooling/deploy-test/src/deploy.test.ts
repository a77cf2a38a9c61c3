/**
 * Issue 15's deploy path, as an operator runs it: `pnpm --filter @switchboard/<app> deploy --prod
 * <dir>` once per gateway, the folder moved elsewhere, then `node dist/main.js` from it with only
 * its own environment, on SQLite and on PostgreSQL: `/info`, `/readyz`, one message to the customer
 * through the channel's fake (with its `sent` status) and one back to the CRM, and the bundle's
 * `node dist/cli.js tenants list` beside it, and the backups docs/deploying.md describes.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, registerTenant, startCrmSimulator, uniqueId } from "@switchboard/testkit";
import { findPostgresBinaries, postgresTestDatabase } from "@switchboard/testkit/postgres";
import { bundleProblems, deployBundle } from "./bundle.js";
import { BundleProcess, runBundleCli } from "./bundle-process.js";
import type { ChannelRig } from "./channels/channel-rig.js";
import { startEmailRig } from "./channels/email.js";
import { startSmsRig } from "./channels/sms.js";
import { startTelegramRig } from "./channels/telegram.js";
import { DEPLOYABLE_GATEWAYS, type DeployableGateway } from "./gateways.js";

// Skips the PostgreSQL runs (one line) where the machine has no PostgreSQL; fails on CI instead.
const pg = await postgresTestDatabase();

const RIGS = new Map<DeployableGateway["name"], () => Promise<ChannelRig>>([
  ["telegram", startTelegramRig],
  ["sms", startSmsRig],
  ["email", startEmailRig],
]);

type Store = "SQLite" | "PostgreSQL";

/** Starts the bundle on `store` against a fresh CRM simulator and the channel's fake, and drives it. */
async function exerciseBundle(gateway: DeployableGateway, bundle: string, store: Store, dataDir: string) {
  const crm = await startCrmSimulator();
  const rig = await RIGS.get(gateway.name)!();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const dbPath = join(dataDir, `${gateway.name}.sqlite`);
  const storeEnv: Record<string, string> =
    store === "SQLite"
      ? { SWITCHBOARD_DB_PATH: dbPath }
      : { SWITCHBOARD_DATABASE_URL: await pg!.server.createDatabase() };
  const env: Record<string, string> = {
    NODE_ENV: "production",
    LV_PLUGIN_SELF_URI: url,
    PORT: String(port),
    HOST: "127.0.0.1",
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
    // The CRM simulator and the fakes listen on loopback.
    SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
    LOG_LEVEL: "warn",
    ...crm.env,
    ...storeEnv,
    ...rig.env,
  };
  let running: BundleProcess | undefined;
  try {
    running = await BundleProcess.start(bundle, url, env);
    const info = await crm.getInfo(url);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { type?: unknown }).type).toBe("CHAT");
    const ready = await fetch(`${url}readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });

    const gw = { crm, url, ref: { companyId: "3001", pluginAlias: gateway.name, pluginId: "1" } };
    await registerTenant(crm, url, gw.ref, rig.settings);
    const crmMessageId = uniqueId("m");
    await rig.sendToCustomer(gw, crmMessageId, `Your order ${crmMessageId} has shipped`);
    await crm.waitFor(() => crm.statusesOf(crmMessageId).includes("sent"), 20_000);
    await rig.receiveFromCustomer(gw, `Thank you! ${uniqueId("in")}`);

    // The operator's CLI from the same bundle, beside the running gateway, sees the tenant.
    const cli = runBundleCli(bundle, ["tenants", "list", "--json"], env);
    expect(cli.status, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as { tenants: unknown[] }).tenants).toHaveLength(1);

    if (store === "PostgreSQL") {
      mkdirSync(dataDir, { recursive: true });
      expectPgDump(storeEnv.SWITCHBOARD_DATABASE_URL!, join(dataDir, `${gateway.name}.dump`), gw.ref);
    }
    if (store === "SQLite") {
      expect(existsSync(dbPath)).toBe(true);
      // The native addon in use is the bundle's own copy, not the workspace's.
      const addons = running.mappedFiles().filter((file) => file.endsWith("better_sqlite3.node"));
      expect(addons).toHaveLength(1);
      expect(addons[0]!.startsWith(`${realpathSync(bundle)}/node_modules/`)).toBe(true);
      await expectOnlineBackup(dbPath, join(dataDir, "backup.sqlite"));
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- the bundle printed:\n${running?.recentOutput ?? ""}`, {
      cause: error,
    });
  } finally {
    await running?.stop();
    await Promise.all([rig.close(), crm.close()]);
  }
}

/**
 * docs/deploying.md's SQLite backup, taken while the bundle runs: SQLite's online backup of the
 * live WAL database is a whole, consistent copy holding the tenant just registered.
 */
async function expectOnlineBackup(dbPath: string, backupPath: string): Promise<void> {
  const live = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    await live.backup(backupPath);
  } finally {
    live.close();
  }
  const copy = new Database(backupPath, { readonly: true, fileMustExist: true });
  try {
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copy.prepare("SELECT count(*) AS n FROM tenants").get()).toEqual({ n: 1 });
  } finally {
    copy.close();
  }
}

/**
 * docs/deploying.md's PostgreSQL backup, taken while the bundle runs: `pg_dump --format=custom`
 * of the live database, whose `tenants` data holds the tenant just registered. Needs the client
 * programs beside the server's (Debian's postgresql package, as CI installs it); a server given
 * only by SWITCHBOARD_TEST_DATABASE_URL may be of another version, so there it is not taken.
 */
function expectPgDump(url: string, file: string, ref: { companyId: string; pluginAlias: string; pluginId: string }) {
  const binaries = findPostgresBinaries();
  if (!binaries) return;
  const program = (name: string) => join(dirname(binaries.initdb), name);
  const run = (name: string, args: string[]) => {
    const result = spawnSync(program(name), args, { encoding: "utf8", timeout: 60_000 });
    expect(result.status, `${name}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };
  run("pg_dump", ["--format=custom", `--file=${file}`, url]);
  const tenants = run("pg_restore", ["--data-only", "--table=tenants", "--file=-", file]);
  expect(tenants).toContain(`${ref.companyId}/${ref.pluginAlias}/${ref.pluginId}`);
}

describe.each(DEPLOYABLE_GATEWAYS)("$packageName as a pnpm deploy bundle", (gateway) => {
  let root = "";
  let bundle = "";

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), `switchboard-deploy-${gateway.name}-`));
    const deployedTo = join(root, "deployed");
    await deployBundle(gateway, deployedTo);
    // Moved once deployed: anything that still pointed to where pnpm wrote it breaks here.
    mkdirSync(join(root, "server"));
    bundle = join(root, "server", gateway.name);
    renameSync(deployedTo, bundle);
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("is self-contained: no sources or tests, nothing outside the folder, better-sqlite3 built", () => {
    expect(bundleProblems(bundle)).toEqual([]);
  });

  it("runs with node dist/main.js on SQLite: /info, /readyz, one message each way, the CLI, an online backup", async () => {
    await exerciseBundle(gateway, bundle, "SQLite", join(root, "data"));
  });

  it.skipIf(!pg)(
    "runs with node dist/main.js on PostgreSQL: /info, /readyz, one message each way, the CLI, a pg_dump",
    async () => {
      await exerciseBundle(gateway, bundle, "PostgreSQL", join(root, "data-pg"));
    },
  );
});
