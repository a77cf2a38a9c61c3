import { describe, expect, it } from "vitest";
import { RateLimiter, RateLimits } from "./rate-limiter.js";

const HOUR = 3600_000;

/** Takes tokens for `key` at time `now` while the limiter lets it, and says how many it took. */
function drain(limiter: RateLimiter, key: string, now: number): number {
  let taken = 0;
  while (limiter.readyAt(key, now) === now) {
    limiter.take(key, now);
    taken++;
  }
  return taken;
}

describe("RateLimiter (time is passed in: the caller's clock)", () => {
  it("lets a full burst go at once, then reports when the next token is there", () => {
    const limiter = new RateLimiter(2, 3);
    expect(drain(limiter, "k", 1000)).toBe(3);
    expect(limiter.readyAt("k", 1000)).toBe(1500);
  });

  it("asking when does not take a token", () => {
    const limiter = new RateLimiter(1, 1);
    for (let i = 0; i < 5; i++) expect(limiter.readyAt("k", 0)).toBe(0);
    limiter.take("k", 0);
    expect(limiter.readyAt("k", 0)).toBe(1000);
  });

  it("reports the refill time rounded up to a whole ms, the same however often it is asked", () => {
    const limiter = new RateLimiter(3, 1);
    limiter.take("k", 0);
    expect(limiter.readyAt("k", 0)).toBe(334);
    expect(limiter.readyAt("k", 100)).toBe(334);
    expect(limiter.readyAt("k", 333)).toBe(334);
    expect(limiter.readyAt("k", 334)).toBe(334);
    limiter.take("k", 334);
    expect(limiter.readyAt("k", 334)).toBe(668);
  });

  it("sustains exactly perSecond after the burst, when the caller comes back when it is told", () => {
    const limiter = new RateLimiter(2, 3);
    const sentAt: number[] = [];
    for (let now = 0; now <= 10_000;) {
      const ready = limiter.readyAt("k", now);
      if (ready > now) {
        now = ready;
        continue;
      }
      limiter.take("k", now);
      sentAt.push(now);
    }
    expect(sentAt.slice(0, 5)).toEqual([0, 0, 0, 500, 1000]);
    expect(sentAt).toHaveLength(3 + 20);
    expect(sentAt.at(-1)).toBe(10_000);
  });

  it("refills to the burst at most, however long the key was idle", () => {
    const limiter = new RateLimiter(10, 2);
    drain(limiter, "k", 0);
    expect(drain(limiter, "k", HOUR)).toBe(2);
    expect(limiter.readyAt("k", HOUR)).toBe(HOUR + 100);
  });

  it("a backward clock step neither drains the bucket nor pushes the next send out", () => {
    const limiter = new RateLimiter(2, 2);
    const t = 1_700_000_000_000;
    limiter.take("k", t);
    const back = t - HOUR;
    // One token left: still sendable after the clock went back an hour.
    expect(limiter.readyAt("k", back)).toBe(back);
    limiter.take("k", back);
    // Empty: one token's time from the stepped-back now, not an hour more.
    expect(limiter.readyAt("k", back)).toBe(back + 500);
    expect(drain(limiter, "k", back + 500)).toBe(1);
  });

  it("keeps one bucket per key", () => {
    const limiter = new RateLimiter(1, 1);
    limiter.take("a", 0);
    expect(limiter.readyAt("a", 0)).toBe(1000);
    expect(limiter.readyAt("b", 0)).toBe(0);
  });

  it("forgets only full buckets when it holds 10 000 keys, never a key that is still waiting", () => {
    const limiter = new RateLimiter(1, 1);
    limiter.take("waiting", 0);
    for (let i = 0; i < 10_000; i++) limiter.take(`idle-${i}`, -5000);
    limiter.readyAt("new", 0); // the 10 001st key triggers the sweep
    expect(limiter.readyAt("waiting", 0)).toBe(1000);
  });
});

describe("RateLimits (a gateway's declared rules; `admit` answers the time a send may go, now = taken)", () => {
  it("per contact: each contact of a tenant has its own bucket", () => {
    const limits = new RateLimits([{ scope: "contact", perSecond: 5, burst: 1 }]);
    expect(limits.admit("tenant-a", "alice", 0)).toBe(0);
    expect(limits.admit("tenant-a", "alice", 0)).toBe(200);
    expect(limits.admit("tenant-a", "bob", 0)).toBe(0);
    // The same contact of another tenant is another chat.
    expect(limits.admit("tenant-b", "alice", 0)).toBe(0);
    expect(limits.admit("tenant-a", "alice", 200)).toBe(200);
  });

  it("per tenant: all contacts of a tenant share one bucket, other tenants are not held back", () => {
    const limits = new RateLimits([{ scope: "tenant", perSecond: 4, burst: 2 }]);
    expect(limits.admit("tenant-a", "alice", 0)).toBe(0);
    expect(limits.admit("tenant-a", "bob", 0)).toBe(0);
    expect(limits.admit("tenant-a", "carol", 0)).toBe(250);
    expect(limits.admit("tenant-b", "carol", 0)).toBe(0);
  });

  it("with both scopes, waits for the latest and takes nothing while any limit says wait", () => {
    const limits = new RateLimits([
      { scope: "tenant", perSecond: 10, burst: 2 },
      { scope: "contact", perSecond: 1 },
    ]);
    expect(limits.admit("t", "alice", 0)).toBe(0);
    // Alice's own limit (1/s) is the later one; the tenant still has a token.
    expect(limits.admit("t", "alice", 0)).toBe(1000);
    // That refusal took no tenant token: Bob gets the tenant's second one.
    expect(limits.admit("t", "bob", 0)).toBe(0);
    // Now the tenant is empty (100 ms) while Carol's own bucket is full.
    expect(limits.admit("t", "carol", 0)).toBe(100);
    // ...and that refusal took none of Carol's token either.
    expect(limits.admit("t", "carol", 100)).toBe(100);
  });

  it("admits everything when the gateway declares no limits", () => {
    const limits = new RateLimits([]);
    for (let i = 0; i < 100; i++) expect(limits.admit("t", "alice", 0)).toBe(0);
  });

  it("defaults the burst to 1", () => {
    const limits = new RateLimits([{ scope: "contact", perSecond: 2 }]);
    expect(limits.admit("t", "alice", 0)).toBe(0);
    expect(limits.admit("t", "alice", 0)).toBe(500);
  });
});

describe("RateLimits.startEmpty (a tenant acquired from another replica)", () => {
  const rules = [
    { scope: "tenant" as const, perSecond: 30, burst: 30 },
    { scope: "contact" as const, perSecond: 1, burst: 3 },
  ];

  /** Sends admitted for `tenant` at each ms of [from, to), over `contacts`, as the queue would. */
  function admitted(limits: RateLimits, tenant: string, contacts: string[], from: number, to: number): number[] {
    const at: number[] = [];
    for (let now = from; now < to; now++) {
      for (const contact of contacts) if (limits.admit(tenant, contact, now) === now) at.push(now);
    }
    return at;
  }

  it("lets no burst go at the handover: the tenant's and each contact's bucket refill from empty", () => {
    const contacts = Array.from({ length: 40 }, (_, i) => `chat${i}`);
    const fresh = new RateLimits(rules);
    // Without a handover a new bucket is full: the whole tenant burst goes at once.
    expect(admitted(fresh, "t", contacts, 0, 1).length).toBe(30);

    const acquired = new RateLimits(rules);
    acquired.startEmpty("t", 5000);
    expect(admitted(acquired, "t", contacts, 5000, 5001)).toEqual([]);
    // Within the first second after it: the rate alone (30/s for the tenant), never a burst.
    const firstSecond = admitted(acquired, "t", contacts, 5001, 6001);
    expect(firstSecond.length).toBeLessThanOrEqual(30);
    expect(firstSecond.length).toBeGreaterThanOrEqual(29);
    // One contact: its own 1/s from empty, not its burst of 3.
    const one = new RateLimits(rules);
    one.startEmpty("t", 0);
    expect(admitted(one, "t", ["chat0"], 0, 2500)).toEqual([1000, 2000]);
    // A bucket first asked for later refilled since the handover, not since it was first asked for.
    const later = new RateLimits(rules);
    later.startEmpty("t", 0);
    expect(admitted(later, "t", ["chat0"], 1000, 2500)).toEqual([1000, 2000]);
    expect(admitted(later, "t", ["chat1", "chat2"], 2500, 2501)).toEqual([2500, 2500]);
    // Other tenants are untouched.
    expect(admitted(acquired, "other", contacts, 5000, 5001).length).toBe(30);
  });

  it("empties buckets this replica kept from owning the tenant before", () => {
    const limits = new RateLimits(rules);
    expect(admitted(limits, "t", ["chat0"], 0, 1)).toEqual([0]);
    // Long idle: the kept buckets are full again, but the tenant was someone else's meanwhile.
    limits.startEmpty("t", 60_000);
    expect(admitted(limits, "t", ["chat0"], 60_000, 61_500)).toEqual([61_000]);
  });
});
