import { type Database } from "@switchboard/core";
import { openDatabase } from "@switchboard/core/internal";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "./migrations.js";
import { OptOuts } from "./opt-outs.js";

const a = 1;
const b = 2;
const phone = "+14155550100";

describe("OptOuts", () => {
  let db: Database;
  let optOuts: OptOuts;
  beforeEach(() => {
    db = openDatabase(":memory:", { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "sms" });
    optOuts = new OptOuts(db);
  });
  afterEach(() => db.$client.close());

  it("records an opt-out per tenant and number, and a repeated one replaces the keyword", () => {
    expect(optOuts.get(a, phone)).toBeUndefined();
    optOuts.optOut(a, phone, "STOP");
    expect(optOuts.get(a, phone)).toMatchObject({ keyword: "STOP" });
    optOuts.optOut(a, phone, "21610");
    const again = optOuts.get(a, phone);
    expect(again?.keyword).toBe("21610");
    expect(again?.optedOutAt).toBeGreaterThan(0);
    expect(optOuts.get(b, phone)).toBeUndefined();
    expect(optOuts.get(a, "+14155550101")).toBeUndefined();
  });

  it("opting in removes only that tenant's opt-out and says whether there was one", () => {
    optOuts.optOut(a, phone, "STOP");
    optOuts.optOut(b, phone, "STOP");
    expect(optOuts.optIn(a, phone)).toBe(true);
    expect(optOuts.optIn(a, phone)).toBe(false);
    expect(optOuts.get(a, phone)).toBeUndefined();
    expect(optOuts.get(b, phone)).toMatchObject({ keyword: "STOP" });
  });
});
