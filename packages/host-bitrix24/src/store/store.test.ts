import { randomBytes } from "node:crypto";
import { Keyring, SecretKey, openDatabase } from "@switchboard/core/internal";
import { bitrix24Portals } from "../db/schema.js";
import { MIGRATIONS_FOLDER } from "../db/migrations.js";
import { describe, expect, it } from "vitest";
import type { PortalTokenStore } from "../oauth/index.js";
import { LineStore } from "./line-store.js";
import { PortalStore } from "./portal-store.js";

function setup() {
  const db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "bitrix24" });
  const box = new Keyring(new SecretKey(randomBytes(32)));
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  return { db, box, clock, portals: new PortalStore(db, box, clock), lines: new LineStore(db, clock) };
}

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

describe("PortalStore", () => {
  it("keeps every token sealed at rest and opens them for the OAuth keeper", () => {
    const { db, portals } = setup();
    const keeperStore: PortalTokenStore = portals;
    portals.install(install);
    expect(keeperStore.load("m-1")).toBeDefined();
    const raw = JSON.stringify(db.select().from(bitrix24Portals).all());
    for (const secret of ["access-secret-1", "refresh-secret-1", "app-token-secret"]) expect(raw).not.toContain(secret);
    expect(portals.load("m-1")).toEqual({
      memberId: "m-1",
      clientEndpoint: install.clientEndpoint,
      accessToken: "access-secret-1",
      refreshToken: "refresh-secret-1",
      expiresAt: 4_600_000,
    });
    expect(portals.load("other")).toBeUndefined();
  });

  it("checks the application token of the portal it was issued to only", () => {
    const { portals } = setup();
    portals.install(install);
    portals.install({ ...install, memberId: "m-2", applicationToken: "other-token" });
    expect(portals.applicationTokenMatches("m-1", "app-token-secret")).toBe(true);
    expect(portals.applicationTokenMatches("m-1", "app-token-secreT")).toBe(false);
    expect(portals.applicationTokenMatches("m-1", "other-token")).toBe(false);
    expect(portals.applicationTokenMatches("m-1", "")).toBe(false);
    expect(portals.applicationTokenMatches("m-1", undefined)).toBe(false);
    expect(portals.applicationTokenMatches("nobody", "app-token-secret")).toBe(false);
  });

  it("saves a rotated pair, and needs re-authorisation after invalid_grant until a reinstall", () => {
    const { portals } = setup();
    portals.install(install);
    portals.saveRotated("m-1", {
      accessToken: "a2",
      refreshToken: "r2",
      expiresAt: 9,
      clientEndpoint: "https://new/rest/",
    });
    expect(portals.load("m-1")).toMatchObject({
      accessToken: "a2",
      refreshToken: "r2",
      clientEndpoint: "https://new/rest/",
    });
    portals.markNeedsReauthorisation("m-1", "invalid_grant");
    expect(portals.load("m-1")?.needsReauthorisation).toBe(true);
    expect(portals.info("m-1")).toMatchObject({
      needsReauthorisation: true,
      lastError: "invalid_grant",
      installed: true,
    });
    portals.install({ ...install, accessToken: "a3" });
    expect(portals.load("m-1")).toMatchObject({ accessToken: "a3" });
    expect(portals.load("m-1")?.needsReauthorisation).toBeUndefined();
    expect(portals.info("m-1")?.lastError).toBeUndefined();
  });

  it("forgets every token at uninstall, so nothing is accepted or sent for the portal", () => {
    const { db, portals } = setup();
    portals.install(install);
    expect(portals.uninstall("m-1")).toBe(true);
    expect(portals.load("m-1")).toBeUndefined();
    expect(portals.applicationTokenMatches("m-1", "app-token-secret")).toBe(false);
    const row = db.select().from(bitrix24Portals).get()!;
    expect([row.accessToken, row.refreshToken, row.applicationToken, row.applicationTokenSha256]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(portals.info("m-1")).toMatchObject({
      installed: false,
      domain: install.domain,
      origin: "https://portal.bitrix24.test",
    });
    expect(portals.uninstall("nobody")).toBe(false);
  });
});

describe("LineStore", () => {
  it("creates a line once, changes its flags and switches a portal's lines off", () => {
    const { lines } = setup();
    expect(lines.ensure(7, "m-1", 3)).toEqual({
      tenantId: 7,
      memberId: "m-1",
      line: 3,
      active: false,
      connected: false,
      registered: false,
      lastError: undefined,
    });
    lines.update(7, { active: true, connected: true, registered: true, lastError: null });
    expect(lines.ensure(7, "m-1", 3)).toMatchObject({ active: true, connected: true });
    lines.ensure(8, "m-1", 4);
    lines.ensure(9, "m-2", 3);
    expect(lines.byLine("m-1", 3)?.tenantId).toBe(7);
    expect(lines.ofPortal("m-1").map((l) => l.line)).toEqual([3, 4]);
    lines.deactivatePortal("m-1", "uninstalled");
    expect(lines.byTenant(7)).toMatchObject({
      active: false,
      connected: false,
      registered: true,
      lastError: "uninstalled",
    });
    expect(lines.byTenant(9)?.active).toBe(false);
    expect(lines.byTenant(9)?.lastError).toBeUndefined();
  });
});
