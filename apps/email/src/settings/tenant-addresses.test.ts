import { describe, expect, it } from "vitest";
import { parseMailbox } from "../contact/address.js";
import { claimedInboundAddress, tenantAddresses } from "./tenant-addresses.js";

const mail = (from: string, inboundAddress: string | null = null) => ({ from, inboundAddress, defaultSubject: null });

describe("tenant addresses", () => {
  it("parse From; the inbound address defaults to From, lower-cased", () => {
    expect(tenantAddresses(mail("Shop <Shop@Example.com>"))).toEqual({
      from: { name: "Shop", address: "Shop@Example.com" },
      inboundAddress: "shop@example.com",
    });
    expect(tenantAddresses(mail("a@b.test", "Help <Help@B.test>"))?.inboundAddress).toBe("help@b.test");
    expect(claimedInboundAddress(mail("a@b.test", "Help@B.test"))).toBe("help@b.test");
    expect(claimedInboundAddress(mail("Shop <Shop@A.test>"))).toBe("shop@a.test");
  });

  it("are none without settings or a valid From", () => {
    expect(tenantAddresses(undefined)).toBeUndefined();
    expect(tenantAddresses(mail("nope"))).toBeUndefined();
    expect(tenantAddresses(mail("a@b.test", "not an address"))).toBeUndefined();
    expect(claimedInboundAddress(undefined)).toBeUndefined();
  });

  it("accept exactly one mailbox", () => {
    expect(parseMailbox("a@b.test")).toEqual({ name: "", address: "a@b.test" });
    expect(parseMailbox("a@b.test, c@d.test")).toBeUndefined();
    expect(parseMailbox("Name only")).toBeUndefined();
  });

  it("refuse address-like values over 320 characters before parsing them", () => {
    const long = `${"x".repeat(300)}@${"d".repeat(30)}.test`;
    expect(parseMailbox(long)).toBeUndefined();
    expect(parseMailbox(`Shop <${"a".repeat(90_000)}@b.test>`)).toBeUndefined();
    expect(tenantAddresses(mail(`${"N".repeat(90_000)} <a@b.test>`))).toBeUndefined();
    expect(claimedInboundAddress(mail("a@b.test", `${"x".repeat(400)}@b.test`))).toBe(undefined);
    expect(parseMailbox(`${"N".repeat(290)} <a@b.test>`)).toEqual({ name: "N".repeat(290), address: "a@b.test" });
  });
});
