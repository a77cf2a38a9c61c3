import { type Database } from "@switchboard/core";
import { openDatabase, openPostgres, type PostgresDatabase } from "@switchboard/core/internal";
import { postgresTestDatabase } from "@switchboard/testkit/postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, POSTGRES_MIGRATIONS_FOLDER } from "./migrations.js";
import { OptOuts } from "./opt-outs.js";

const pg = await postgresTestDatabase();

const a = 1;
const b = 2;
const phone = "+14155550100";

describe("OptOuts on SQLite", () => {
  let db: Database;
  let optOuts: OptOuts;
  beforeEach(() => {
    db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "sms" });
    optOuts = new OptOuts(db);
  });
  afterEach(() => db.$client.close());

  it("records an opt-out per tenant and number, and a repeated one replaces the keyword", async () => {
    expect(await optOuts.get(a, phone)).toBeUndefined();
    await optOuts.optOut(a, phone, "STOP");
    expect(await optOuts.get(a, phone)).toMatchObject({ keyword: "STOP" });
    await optOuts.optOut(a, phone, "21610");
    const again = await optOuts.get(a, phone);
    expect(again?.keyword).toBe("21610");
    expect(again?.optedOutAt).toBeGreaterThan(0);
    expect(await optOuts.get(b, phone)).toBeUndefined();
    expect(await optOuts.get(a, "+14155550101")).toBeUndefined();
  });

  it("opting in removes only that tenant's opt-out and says whether there was one", async () => {
    await optOuts.optOut(a, phone, "STOP");
    await optOuts.optOut(b, phone, "STOP");
    expect(await optOuts.optIn(a, phone)).toBe(true);
    expect(await optOuts.optIn(a, phone)).toBe(false);
    expect(await optOuts.get(a, phone)).toBeUndefined();
    expect(await optOuts.get(b, phone)).toMatchObject({ keyword: "STOP" });
  });

  it("answers a STOP or START as a write for the storing transaction, and writes nothing itself", async () => {
    const optOut = optOuts.changeWrite(a, phone, { optOut: "STOP" });
    expect(await optOuts.get(a, phone)).toBeUndefined();
    await optOut;
    expect(await optOuts.get(a, phone)).toMatchObject({ keyword: "STOP" });
    const optIn = optOuts.changeWrite(a, phone, "opt-in");
    expect(await optOuts.get(a, phone)).toMatchObject({ keyword: "STOP" });
    await optIn;
    expect(await optOuts.get(a, phone)).toBeUndefined();
  });
});

describe.skipIf(!pg)("OptOuts on PostgreSQL (the same store, on smsTables.for(db))", () => {
  let db: PostgresDatabase;
  let optOuts: OptOuts;
  beforeEach(async () => {
    db = await openPostgres(await pg!.server.createDatabase(), {
      gatewayMigrations: POSTGRES_MIGRATIONS_FOLDER,
      gatewayName: "sms",
    });
    // Portable code is typed once, against the SQLite handle.
    optOuts = new OptOuts(db as unknown as Database);
  });
  afterEach(() => db.$client.end());

  it("records, replaces and removes opt-outs per tenant and number", async () => {
    await optOuts.optOut(a, phone, "STOP");
    await optOuts.optOut(b, phone, "STOP");
    await optOuts.optOut(a, phone, "21610");
    const stored = await optOuts.get(a, phone);
    expect(stored?.keyword).toBe("21610");
    expect(typeof stored?.optedOutAt).toBe("number");
    expect(await optOuts.optIn(a, phone)).toBe(true);
    expect(await optOuts.optIn(a, phone)).toBe(false);
    expect(await optOuts.get(a, phone)).toBeUndefined();
    expect(await optOuts.get(b, phone)).toMatchObject({ keyword: "STOP" });
  });
});
