import { describe, expect, it } from "vitest";
import { parseMailbox } from "./address.js";
import { claimedInboundAddress, readEmailSettings } from "./email-settings.js";

describe("email settings", () => {
  it("read the form data with defaults; the inbound address defaults to From, lower-cased", () => {
    const settings = readEmailSettings({
      smtp: { host: "smtp.test", port: null, secure: null, user: "u", password: "p" },
      mail: { from: "Shop <Shop@Example.com>" },
    });
    expect(settings).toEqual({
      smtp: { host: "smtp.test", port: 587, secure: false, allowPlaintext: false, user: "u", password: "p" },
      from: { name: "Shop", address: "Shop@Example.com" },
      inboundAddress: "shop@example.com",
      defaultSubject: "",
    });
    expect(claimedInboundAddress({ mail: { from: "a@b.test", inboundAddress: "Help@B.test" } })).toBe("help@b.test");
  });

  it("are incomplete without a host or a valid From", () => {
    expect(readEmailSettings({ smtp: {}, mail: { from: "a@b.test" } })).toBeUndefined();
    expect(readEmailSettings({ smtp: { host: "h" }, mail: { from: "nope" } })).toBeUndefined();
    expect(readEmailSettings(undefined)).toBeUndefined();
  });

  it("accept exactly one mailbox", () => {
    expect(parseMailbox("a@b.test")).toEqual({ name: "", address: "a@b.test" });
    expect(parseMailbox("a@b.test, c@d.test")).toBeUndefined();
    expect(parseMailbox("Name only")).toBeUndefined();
  });

  it("are read once per settings object: the inbound server looks them up for every RCPT", () => {
    const data = { smtp: { host: "smtp.test" }, mail: { from: "Shop <shop@a.test>" } };
    const first = readEmailSettings(data);
    expect(readEmailSettings(data)).toBe(first);
    // Saved settings are a new object, read afresh.
    expect(readEmailSettings({ ...data, mail: { from: "Shop <help@a.test>" } })?.inboundAddress).toBe("help@a.test");
  });

  it("refuse address-like values over 320 characters before parsing them", () => {
    const long = `${"x".repeat(300)}@${"d".repeat(30)}.test`;
    expect(parseMailbox(long)).toBeUndefined();
    expect(parseMailbox(`Shop <${"a".repeat(90_000)}@b.test>`)).toBeUndefined();
    expect(
      readEmailSettings({ smtp: { host: "h" }, mail: { from: `${"N".repeat(90_000)} <a@b.test>` } }),
    ).toBeUndefined();
    expect(claimedInboundAddress({ mail: { from: "a@b.test", inboundAddress: `${"x".repeat(400)}@b.test` } })).toBe(
      undefined,
    );
    expect(parseMailbox(`${"N".repeat(290)} <a@b.test>`)).toEqual({ name: "N".repeat(290), address: "a@b.test" });
  });
});
