import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "./clock.js";
import { Waker } from "./waker.js";

const START = 1_000_000;
// The fake timers also move the faked Date, so this clock and the timers agree.
const clock: Clock = { now: () => Date.now() };
let pump: ReturnType<typeof vi.fn<() => void>>;
let waker: Waker;

beforeEach(() => {
  // Timers and Date are fake; setImmediate stays real (fake timers would push an immediate queued
  // inside a fired timer 1 ms later, and "the next turn" is what the Waker is about).
  vi.useFakeTimers({ now: START, toFake: ["Date", "setTimeout", "clearTimeout"] });
  pump = vi.fn<() => void>();
  waker = new Waker(pump, clock);
});

afterEach(() => {
  waker.cancel();
  vi.useRealTimers();
});

/** Moves the fake time on by `ms`, then lets the turn run (the wake-ups queued so far run before it ends). */
async function advance(ms: number): Promise<void> {
  vi.advanceTimersByTime(ms);
  await new Promise((resolve) => setImmediate(resolve));
}

describe("Waker.wake", () => {
  it("runs the pump on the next turn, not synchronously", async () => {
    waker.wake();
    expect(pump).not.toHaveBeenCalled();
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("coalesces many wake-ups in one turn into one run", async () => {
    for (let i = 0; i < 50; i++) waker.wake();
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(1);
    await advance(10_000);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("wakes again once the previous run has happened", async () => {
    waker.wake();
    await advance(0);
    waker.wake();
    waker.wake();
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(2);
  });

  it("a wake-up asked from inside the pump runs on the following turn", async () => {
    pump.mockImplementationOnce(() => waker.wake());
    waker.wake();
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(1);
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(2);
  });
});

describe("Waker.wakeAt", () => {
  it("runs the pump at the due time, not a millisecond before", async () => {
    waker.wakeAt(START + 300);
    await advance(299);
    expect(pump).not.toHaveBeenCalled();
    await advance(1);
    expect(pump).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(START + 300);
  });

  it("keeps the earliest of several due times and runs once for them", async () => {
    waker.wakeAt(START + 500);
    waker.wakeAt(START + 200);
    waker.wakeAt(START + 900);
    expect(vi.getTimerCount()).toBe(1);
    await advance(199);
    expect(pump).not.toHaveBeenCalled();
    await advance(1);
    expect(pump).toHaveBeenCalledTimes(1);
    // The later times were dropped: the pump re-plans them itself when it runs.
    await advance(10_000);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("re-arms for an earlier time, dropping the later timer", async () => {
    waker.wakeAt(START + 1000);
    await advance(100);
    waker.wakeAt(START + 400);
    expect(vi.getTimerCount()).toBe(1);
    await advance(299);
    expect(pump).not.toHaveBeenCalled();
    await advance(1);
    expect(pump).toHaveBeenCalledTimes(1);
    await advance(10_000);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("re-arms for a later time once the planned run has happened", async () => {
    waker.wakeAt(START + 100);
    await advance(100);
    expect(pump).toHaveBeenCalledTimes(1);
    waker.wakeAt(START + 700);
    await advance(599);
    expect(pump).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(pump).toHaveBeenCalledTimes(2);
  });

  it("runs at once (next turn) for a due time already past", async () => {
    waker.wakeAt(START - 60_000);
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("coalesces a due timer with a wake-up in the same turn", async () => {
    waker.wakeAt(START + 50);
    vi.advanceTimersByTime(50);
    // The timer has fired and queued its wake-up, not yet run; another wake-up joins it.
    expect(pump).not.toHaveBeenCalled();
    waker.wake();
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("plans by the injected clock, not by Date", async () => {
    let now = 42_000;
    const own = new Waker(pump, { now: () => now });
    own.wakeAt(42_250);
    await advance(249);
    expect(pump).not.toHaveBeenCalled();
    await advance(1);
    expect(pump).toHaveBeenCalledTimes(1);
    now = 0;
    own.cancel();
  });

  it("plans a due time beyond setTimeout's range as its longest timer instead of overflowing to 1 ms", async () => {
    const longest = 2 ** 31 - 1;
    waker.wakeAt(START + 100 * 24 * 3600_000);
    await advance(1000);
    expect(pump).not.toHaveBeenCalled();
    await advance(longest - 1000);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("does not keep the process alive for a planned run", async () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, "setTimeout").mockReturnValueOnce({ unref } as unknown as NodeJS.Timeout);
    waker.wakeAt(START + 100);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(unref).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    waker = new Waker(pump, clock);
  });
});

describe("Waker.cancel", () => {
  it("drops a planned run and leaves no timer behind", async () => {
    waker.wakeAt(START + 100);
    waker.cancel();
    expect(vi.getTimerCount()).toBe(0);
    await advance(10_000);
    expect(pump).not.toHaveBeenCalled();
  });

  it("is harmless with nothing planned, and twice", async () => {
    waker.cancel();
    waker.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("forgets the cancelled due time: a later wakeAt arms again", async () => {
    waker.wakeAt(START + 100);
    waker.cancel();
    waker.wakeAt(START + 5000);
    await advance(4999);
    expect(pump).not.toHaveBeenCalled();
    await advance(1);
    expect(pump).toHaveBeenCalledTimes(1);
  });

  it("does not stop a wake-up already queued for this turn (the pump's owner checks it is still running)", async () => {
    waker.wake();
    waker.cancel();
    await advance(0);
    expect(pump).toHaveBeenCalledTimes(1);
  });
});
