import { randomBytes } from "node:crypto";
import type { Database } from "@switchboard/core";
import { Keyring, SecretKey, openDatabase, openPostgres } from "@switchboard/core/internal";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { bitrix24Tables } from "../db/schema.js";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "../db/migrations.js";
import type { PortalTokenStore } from "../oauth/index.js";
import { LineStore } from "./line-store.js";
import { PortalStore } from "./portal-store.js";

const pg = await postgresTestDatabase();

/** The stores run on: SQLite always, PostgreSQL where the machine has it (the same portable code). */
const STORES: Array<[string, (() => Promise<{ db: Database; close: () => Promise<void> }>) | undefined]> = [
  [
    "SQLite",
    async () => {
      const db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "bitrix24" });
      return {
        db,
        close: async () => {
          db.$client.close();
        },
      };
    },
  ],
  [
    "PostgreSQL",
    pg &&
      (async () => {
        const db = await openPostgres(await pg.server.createDatabase(), {
          hostMigrations: [{ name: "bitrix24", folder: POSTGRES_MIGRATIONS_FOLDER }],
        });
        // Portable code is typed once, against the SQLite handle.
        return { db: db as unknown as Database, close: () => db.$client.end() };
      }),
  ],
];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const install = {
  memberId: "m-1",
  domain: "portal.bitrix24.test",
  clientEndpoint: "https://portal.bitrix24.test/rest/",
  accessToken: "access-secret-1",
  refreshToken: "refresh-secret-1",
  expiresAt: 4_600_000,
  applicationToken: "app-token-secret",
  scope: "imopenlines,imconnector,im",
  languageId: "ru",
};

describe.each(STORES)("on %s", (_name, open) => {
  async function setup() {
    const { db, close } = await open!();
    closers.push(close);
    const box = new Keyring(new SecretKey(randomBytes(32)));
    let now = 1_000_000;
    const clock = { now: () => now, advance: (ms: number) => (now += ms) };
    return { db, box, clock, portals: new PortalStore(db, box, clock), lines: new LineStore(db, clock) };
  }

  describe.skipIf(!open)("PortalStore", () => {
    it("keeps every token sealed at rest and opens them for the OAuth keeper", async () => {
      const { db, portals } = await setup();
      const keeperStore: PortalTokenStore = portals;
      await portals.install(install);
      expect(await keeperStore.load("m-1")).toBeDefined();
      const raw = JSON.stringify(await db.select().from(bitrix24Tables.for(db).bitrix24Portals));
      for (const secret of ["access-secret-1", "refresh-secret-1", "app-token-secret"])
        expect(raw).not.toContain(secret);
      expect(await portals.load("m-1")).toEqual({
        memberId: "m-1",
        clientEndpoint: install.clientEndpoint,
        accessToken: "access-secret-1",
        refreshToken: "refresh-secret-1",
        expiresAt: 4_600_000,
      });
      expect(await portals.load("other")).toBeUndefined();
    });

    it("checks the application token of the portal it was issued to only", async () => {
      const { portals } = await setup();
      await portals.install(install);
      await portals.install({ ...install, memberId: "m-2", applicationToken: "other-token" });
      expect(await portals.applicationTokenMatches("m-1", "app-token-secret")).toBe(true);
      expect(await portals.applicationTokenMatches("m-1", "app-token-secreT")).toBe(false);
      expect(await portals.applicationTokenMatches("m-1", "other-token")).toBe(false);
      expect(await portals.applicationTokenMatches("m-1", "")).toBe(false);
      expect(await portals.applicationTokenMatches("m-1", undefined)).toBe(false);
      expect(await portals.applicationTokenMatches("nobody", "app-token-secret")).toBe(false);
    });

    it("saves a rotated pair, and needs re-authorisation after invalid_grant until a reinstall", async () => {
      const { portals } = await setup();
      await portals.install(install);
      await portals.saveRotated("m-1", {
        accessToken: "a2",
        refreshToken: "r2",
        expiresAt: 9,
        clientEndpoint: "https://new/rest/",
      });
      expect(await portals.load("m-1")).toMatchObject({
        accessToken: "a2",
        refreshToken: "r2",
        clientEndpoint: "https://new/rest/",
      });
      await portals.markNeedsReauthorisation("m-1", "invalid_grant");
      expect((await portals.load("m-1"))?.needsReauthorisation).toBe(true);
      expect(await portals.info("m-1")).toMatchObject({
        needsReauthorisation: true,
        lastError: "invalid_grant",
        installed: true,
      });
      await portals.install({ ...install, accessToken: "a3" });
      expect(await portals.load("m-1")).toMatchObject({ accessToken: "a3" });
      expect((await portals.load("m-1"))?.needsReauthorisation).toBeUndefined();
      expect((await portals.info("m-1"))?.lastError).toBeUndefined();
    });

    it("forgets every token at uninstall, so nothing is accepted or sent for the portal", async () => {
      const { db, portals } = await setup();
      await portals.install(install);
      expect(await portals.uninstall("m-1")).toBe(true);
      expect(await portals.load("m-1")).toBeUndefined();
      expect(await portals.applicationTokenMatches("m-1", "app-token-secret")).toBe(false);
      const [row] = await db.select().from(bitrix24Tables.for(db).bitrix24Portals).limit(1);
      expect([row!.accessToken, row!.refreshToken, row!.applicationToken, row!.applicationTokenSha256]).toEqual([
        null,
        null,
        null,
        null,
      ]);
      expect(await portals.info("m-1")).toMatchObject({
        installed: false,
        domain: install.domain,
        origin: "https://portal.bitrix24.test",
      });
      expect(await portals.uninstall("nobody")).toBe(false);
    });
  });

  describe.skipIf(!open)("LineStore", () => {
    it("creates a line once, changes its flags and switches a portal's lines off", async () => {
      const { lines } = await setup();
      expect(await lines.ensure(7, "m-1", 3)).toEqual({
        tenantId: 7,
        memberId: "m-1",
        line: 3,
        active: false,
        connected: false,
        registered: false,
        lastError: undefined,
      });
      await lines.update(7, { active: true, connected: true, registered: true, lastError: null });
      expect(await lines.ensure(7, "m-1", 3)).toMatchObject({ active: true, connected: true });
      await lines.ensure(8, "m-1", 4);
      await lines.ensure(9, "m-2", 3);
      await lines.ensure(6, "m-1", 1);
      // Line 1's row moves after the others in PostgreSQL's heap; the answer stays in line order.
      await lines.update(6, { lastError: "x" });
      expect((await lines.byLine("m-1", 3))?.tenantId).toBe(7);
      expect((await lines.ofPortal("m-1")).map((l) => l.line)).toEqual([1, 3, 4]);
      await lines.deactivatePortal("m-1", "uninstalled");
      expect(await lines.byTenant(7)).toMatchObject({
        active: false,
        connected: false,
        registered: true,
        lastError: "uninstalled",
      });
      expect((await lines.byTenant(9))?.active).toBe(false);
      expect((await lines.byTenant(9))?.lastError).toBeUndefined();
    });
  });
});
