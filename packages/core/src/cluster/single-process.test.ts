import { describe, expect, it } from "vitest";
import { LocalNotifier } from "./local-notifier.js";
import { SingleProcessLeases } from "./single-process-leases.js";

describe("SingleProcessLeases (SQLite: one process)", () => {
  it("owns every tenant before, while and after running, and never announces a change", async () => {
    const leases = new SingleProcessLeases();
    const events: string[] = [];
    leases.onAcquire((t) => void events.push(`acquire ${t}`));
    leases.onRelease((t) => void events.push(`release ${t}`));
    expect(leases.owns(1)).toBe(true);
    await leases.start();
    expect([1, 2, 1_000_000].every((t) => leases.owns(t))).toBe(true);
    await leases.stop();
    expect(leases.owns(3)).toBe(true);
    expect(events).toEqual([]);
  });
});

describe("LocalNotifier", () => {
  it("delivers what this process publishes after the publishing code, to the kind's subscribers only", async () => {
    const notifier = new LocalNotifier();
    const heard: Array<[string, number | null]> = [];
    const off = notifier.on("send", (t) => heard.push(["send", t]));
    notifier.on("outbox", (t) => heard.push(["outbox", t]));
    notifier.publish("send", 7);
    expect(heard).toEqual([]);
    await Promise.resolve();
    expect(heard).toEqual([["send", 7]]);
    off();
    notifier.publish("send", 8);
    notifier.publish("outbox", null);
    await Promise.resolve();
    expect(heard).toEqual([
      ["send", 7],
      ["outbox", null],
    ]);
  });
});
