import { describe, expect, it } from "vitest";
import { loadCoreConfig } from "./env.js";

const SELF = { LV_PLUGIN_SELF_URI: "http://127.0.0.1:8080/" };

describe("SWITCHBOARD_HOSTS", () => {
  it("defaults to salesrender", () => {
    expect(loadCoreConfig(SELF).hosts).toEqual(["salesrender"]);
  });

  it("is a comma-separated list, trimmed and lower-cased, empty entries ignored", () => {
    expect(loadCoreConfig({ ...SELF, SWITCHBOARD_HOSTS: " SalesRender , bitrix24," }).hosts).toEqual([
      "salesrender",
      "bitrix24",
    ]);
  });

  it("keeps an empty list and duplicates for the gateway to refuse with the hosts it knows", () => {
    expect(loadCoreConfig({ ...SELF, SWITCHBOARD_HOSTS: " , " }).hosts).toEqual([]);
    expect(loadCoreConfig({ ...SELF, SWITCHBOARD_HOSTS: "a,A" }).hosts).toEqual(["a", "a"]);
  });
});

describe("SWITCHBOARD_DATABASE_POOL", () => {
  it("defaults to 10 connections and takes a positive integer", () => {
    expect(loadCoreConfig(SELF).databasePoolSize).toBe(10);
    expect(loadCoreConfig({ ...SELF, SWITCHBOARD_DATABASE_POOL: "25" }).databasePoolSize).toBe(25);
    expect(() => loadCoreConfig({ ...SELF, SWITCHBOARD_DATABASE_POOL: "0" })).toThrow(/SWITCHBOARD_DATABASE_POOL/);
    expect(() => loadCoreConfig({ ...SELF, SWITCHBOARD_DATABASE_POOL: "many" })).toThrow(/SWITCHBOARD_DATABASE_POOL/);
  });
});

describe("SWITCHBOARD_LEASE_SECONDS", () => {
  it("defaults to 15 s and is read in whole seconds", () => {
    expect(loadCoreConfig(SELF).shardLeaseMs).toBe(15_000);
    expect(loadCoreConfig({ ...SELF, SWITCHBOARD_LEASE_SECONDS: "4" }).shardLeaseMs).toBe(4000);
  });

  it("refuses a lease that is not a positive whole number", () => {
    expect(() => loadCoreConfig({ ...SELF, SWITCHBOARD_LEASE_SECONDS: "0" })).toThrow(/SWITCHBOARD_LEASE_SECONDS/);
    expect(() => loadCoreConfig({ ...SELF, SWITCHBOARD_LEASE_SECONDS: "1.5" })).toThrow(/SWITCHBOARD_LEASE_SECONDS/);
  });
});

describe("SWITCHBOARD_DATABASE_URL", () => {
  const KEY = { SWITCHBOARD_SECRET_KEY: Buffer.alloc(32, 7).toString("base64") };
  const URL_WITH_PASSWORD = "postgres://switchboard:hunter2-secret@db.internal:5432/switchboard";

  it("is unset (SQLite at SWITCHBOARD_DB_PATH) unless given; blank counts as unset", () => {
    expect(loadCoreConfig(SELF).databaseUrl).toBeUndefined();
    expect(loadCoreConfig({ ...SELF, SWITCHBOARD_DATABASE_URL: "  " }).databaseUrl).toBeUndefined();
  });

  it("takes a postgres:// or postgresql:// URL", () => {
    expect(loadCoreConfig({ ...SELF, ...KEY, SWITCHBOARD_DATABASE_URL: URL_WITH_PASSWORD }).databaseUrl).toBe(
      URL_WITH_PASSWORD,
    );
    const other = "postgresql://localhost/sb";
    expect(loadCoreConfig({ ...SELF, ...KEY, SWITCHBOARD_DATABASE_URL: other }).databaseUrl).toBe(other);
  });

  it("refuses another URL without repeating it (it may hold a password)", () => {
    const mysql = "mysql://root:hunter2-secret@db/sb";
    expect(() => loadCoreConfig({ ...SELF, ...KEY, SWITCHBOARD_DATABASE_URL: mysql })).toThrow(
      /SWITCHBOARD_DATABASE_URL: must be a URL postgres:/,
    );
    expect(() => loadCoreConfig({ ...SELF, ...KEY, SWITCHBOARD_DATABASE_URL: mysql })).not.toThrow(/hunter2/);
  });

  it("needs SWITCHBOARD_SECRET_KEY: every replica opens the secrets another sealed", () => {
    expect(() => loadCoreConfig({ ...SELF, SWITCHBOARD_DATABASE_URL: URL_WITH_PASSWORD })).toThrow(
      /SWITCHBOARD_SECRET_KEY: required with SWITCHBOARD_DATABASE_URL/,
    );
    expect(() => loadCoreConfig({ ...SELF, SWITCHBOARD_DATABASE_URL: URL_WITH_PASSWORD })).not.toThrow(/hunter2/);
  });
});

describe("retention (SWITCHBOARD_KEEP_*_DAYS, SWITCHBOARD_RETENTION_INTERVAL_MINUTES)", () => {
  const DAY = 24 * 3600_000;
  it("defaults to 30 days of finished messages, 7 of dedupe ids, 365 of history, a pass an hour", () => {
    expect(loadCoreConfig(SELF).retention).toEqual({
      finishedMs: 30 * DAY,
      dedupeMs: 7 * DAY,
      historyMs: 365 * DAY,
      intervalMs: 3600_000,
    });
  });

  it("takes whole days and minutes", () => {
    const config = loadCoreConfig({
      ...SELF,
      SWITCHBOARD_KEEP_FINISHED_DAYS: "90",
      SWITCHBOARD_KEEP_DEDUPE_DAYS: "2",
      SWITCHBOARD_KEEP_HISTORY_DAYS: "30",
      SWITCHBOARD_RETENTION_INTERVAL_MINUTES: "5",
    });
    expect(config.retention).toEqual({
      finishedMs: 90 * DAY,
      dedupeMs: 2 * DAY,
      historyMs: 30 * DAY,
      intervalMs: 300_000,
    });
  });

  it("refuses zero, negative or fractional values, naming the variable", () => {
    for (const [name, value] of [
      ["SWITCHBOARD_KEEP_FINISHED_DAYS", "0"],
      ["SWITCHBOARD_KEEP_DEDUPE_DAYS", "-1"],
      ["SWITCHBOARD_KEEP_HISTORY_DAYS", "1.5"],
      ["SWITCHBOARD_RETENTION_INTERVAL_MINUTES", "often"],
    ] as const) {
      expect(() => loadCoreConfig({ ...SELF, [name]: value })).toThrow(name);
    }
  });
});
