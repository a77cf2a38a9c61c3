import { describe, expect, it } from "vitest";
import {
  assertOnce,
  batchingOf,
  exactlyOnce,
  markerIn,
  messageTexts,
  PortalArrivals,
  unescapedText,
  type PortalCall,
} from "./bitrix24-checks.js";

const sendCall = (at: number, texts: string[], status = 200): PortalCall => ({
  method: "imconnector.send.messages",
  status,
  at,
  params: { CONNECTOR: "switchboard_telegram", LINE: 1, MESSAGES: texts.map((text) => ({ message: { text } })) },
});

describe("batchingOf", () => {
  it("gives messages per call (mean, max) and calls per second over the calls' span", () => {
    const b = batchingOf([
      { at: 1000, messages: 1 },
      { at: 1500, messages: 8 },
      { at: 2000, messages: 3 },
    ]);
    expect(b).toEqual({ calls: 3, messages: 12, mean: 4, max: 8, callsPerSecond: 2 });
  });

  it("answers zeros for no calls and no rate for one", () => {
    expect(batchingOf([])).toEqual({ calls: 0, messages: 0, mean: 0, max: 0, callsPerSecond: 0 });
    expect(batchingOf([{ at: 5, messages: 2 }]).callsPerSecond).toBe(0);
  });
});

describe("exactlyOnce and assertOnce", () => {
  it("passes when every expected marker was seen once", () => {
    const check = exactlyOnce(["a", "b"], ["b", "a"]);
    expect(check).toEqual({ expected: 2, missing: [], repeated: [], unexpected: [] });
    expect(() => assertOnce("x", check)).not.toThrow();
  });

  it("finds missing, repeated and unexpected markers, and fails naming them", () => {
    const check = exactlyOnce(["a", "b", "c"], ["a", "a", "c", "z"]);
    expect(check).toEqual({ expected: 3, missing: ["b"], repeated: ["a"], unexpected: ["z"] });
    expect(() => assertOnce("messages", check)).toThrow(
      /messages: of 3, missing 1 \(b\), repeated 1 \(a\), unexpected 1 \(z\)/,
    );
  });
});

describe("customer texts", () => {
  it("reads a marker through the host's zero-width escape", () => {
    expect(unescapedText("hello [[\u200bu12]]")).toBe("hello [[u12]]");
    expect(markerIn("hello [[\u200bu12]]")).toBe("u12");
    expect(markerIn("no marker")).toBeUndefined();
    expect(markerIn(undefined)).toBeUndefined();
  });

  it("takes MESSAGES as a list or as the bracket form's keyed object", () => {
    expect(messageTexts({ MESSAGES: [{ message: { text: "a" } }, { message: {} }] })).toEqual(["a", ""]);
    expect(messageTexts({ MESSAGES: { 0: { message: { text: "a" } }, 1: { message: { text: "b" } } } })).toEqual([
      "a",
      "b",
    ]);
    expect(messageTexts({})).toEqual([]);
  });
});

describe("PortalArrivals", () => {
  it("stamps each marker of a finished call with its arrival, minus the offset, and counts the calls", () => {
    const log: PortalCall[] = [
      sendCall(1010, ["hello [[\u200ba1]]", "hello [[\u200ba2]]"]),
      { method: "imconnector.send.status.delivery", status: 200, at: 1011, params: { MESSAGES: [{}] } },
      sendCall(1020, ["hello [[\u200ba3]]"], 503),
    ];
    const arrivals = new PortalArrivals(log, "imconnector.send.messages", 1000).update();
    expect([...arrivals.arrivals]).toEqual([
      ["a1", [10]],
      ["a2", [10]],
    ]);
    expect(arrivals.calls).toEqual([{ at: 10, messages: 2 }]);
  });

  it("waits at a call still being handled and reads it, and what follows, once it finished", () => {
    const pending = sendCall(5, ["[[b1]]"], 0);
    const log: PortalCall[] = [pending, sendCall(6, ["[[b2]]"])];
    const arrivals = new PortalArrivals(log, "imconnector.send.messages").update();
    expect(arrivals.arrivals.size).toBe(0);
    pending.status = 200;
    log.push(sendCall(7, ["[[b1]]"]));
    arrivals.update();
    expect(arrivals.arrivals.get("b1")).toEqual([5, 7]);
    expect(arrivals.arrivals.get("b2")).toEqual([6]);
    expect(arrivals.callsSince(6)).toEqual([
      { at: 6, messages: 1 },
      { at: 7, messages: 1 },
    ]);
  });
});
