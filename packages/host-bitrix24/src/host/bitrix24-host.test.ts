import { existsSync } from "node:fs";
import { join } from "node:path";
import { selectHosts } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { bitrix24Portals } from "../db/schema.js";
import { bitrix24 } from "./bitrix24-host.js";

describe("the bitrix24 host definition", () => {
  it("is named bitrix24, brings its migrations and lists its sealed columns", () => {
    expect(bitrix24.name).toBe("bitrix24");
    expect(existsSync(join(bitrix24.migrationsFolder!, "meta", "_journal.json"))).toBe(true);
    expect(existsSync(join(bitrix24.postgresMigrationsFolder!, "meta", "_journal.json"))).toBe(true);
    expect(bitrix24.secretColumns).toEqual([
      bitrix24Portals.accessToken,
      bitrix24Portals.refreshToken,
      bitrix24Portals.applicationToken,
    ]);
  });

  it("reads its variables from the record it is given, and names what is missing", () => {
    expect(() => bitrix24.readEnv!({})).toThrow(/BITRIX24_CLIENT_ID.*BITRIX24_CLIENT_SECRET/);
    expect(bitrix24.readEnv!({ BITRIX24_CLIENT_ID: "local.x", BITRIX24_CLIENT_SECRET: "s" })).toMatchObject({
      clientId: "local.x",
      oauthUrl: "https://oauth.bitrix.info",
      ratePerSecond: 2,
      rateBurst: 50,
    });
  });

  it("is read only when SWITCHBOARD_HOSTS names it", () => {
    const other = { name: "salesrender", setup: () => ({ deliver: async () => {} }) };
    expect(selectHosts(["salesrender"], [other, bitrix24], {}).map((h) => h.definition.name)).toEqual(["salesrender"]);
    expect(() => selectHosts(["salesrender", "bitrix24"], [other, bitrix24], {})).toThrow(/BITRIX24_CLIENT_ID/);
  });
});
