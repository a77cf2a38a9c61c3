import { describe, expect, it } from "vitest";
import { ClientLimits, clientKey } from "./client-limits.js";

describe("client limits", () => {
  it("count IPv4 clients by address and IPv6 clients by their /64", () => {
    expect(clientKey("203.0.113.9")).toBe("203.0.113.9");
    expect(clientKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(clientKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8:1:2:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:0db8:0001:0002:0000:0000:0000:0009")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:db8::5")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("2001:db8:1:3::1")).not.toBe(clientKey("2001:db8:1:2::1"));
  });

  it("admit connections per key up to the limit and free them on close", () => {
    const limits = new ClientLimits({ maxPerIp: 2, messagesPerMinute: 1 });
    expect(limits.connect("a", "1")).toBe(true);
    expect(limits.connect("a", "2")).toBe(true);
    expect(limits.connect("a", "3")).toBe(false);
    expect(limits.connect("b", "4")).toBe(true);
    limits.disconnect("a", "1");
    expect(limits.connect("a", "5")).toBe(true);
  });

  it("count messages in a sliding minute of a monotonic clock", () => {
    let now = 1_000;
    const limits = new ClientLimits({ maxPerIp: 1, messagesPerMinute: 2 }, () => now);
    expect([limits.startMessage("a"), limits.startMessage("a"), limits.startMessage("a")]).toEqual([true, true, false]);
    now += 59_999;
    expect(limits.startMessage("a")).toBe(false);
    now += 1;
    expect(limits.startMessage("a")).toBe(true);
    limits.sweep();
    expect(limits.startMessage("b")).toBe(true);
  });
});
