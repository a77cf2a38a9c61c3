import { describe, expect, it } from "vitest";
import { gatewayDomain, outgoingMessageId, parseMessageIds, replyReferences } from "./message-id.js";
import { baseSubject, replySubject } from "./subject.js";

describe("Message-IDs", () => {
  it("are stable per queued message and tenant secret, and differ otherwise", () => {
    const a = outgoingMessageId("secret-1", 7, "gw.example.com");
    expect(a).toMatch(/^sb\.[\w-]{24}@gw\.example\.com$/);
    expect(outgoingMessageId("secret-1", 7, "gw.example.com")).toBe(a);
    expect(outgoingMessageId("secret-1", 8, "gw.example.com")).not.toBe(a);
    expect(outgoingMessageId("secret-2", 7, "gw.example.com")).not.toBe(a);
  });

  it("use the host of the public URL as their domain", () => {
    expect(gatewayDomain("https://switchboard.example.com/email/")).toBe("switchboard.example.com");
  });

  it("are parsed from header values with or without brackets", () => {
    expect(parseMessageIds("<a@x> <b@y>")).toEqual(["a@x", "b@y"]);
    expect(parseMessageIds(["<a@x>", "<b@y>"])).toEqual(["a@x", "b@y"]);
    expect(parseMessageIds("bare@x")).toEqual(["bare@x"]);
    expect(parseMessageIds("not an id")).toEqual([]);
    expect(parseMessageIds(undefined)).toEqual([]);
  });

  it("build References that keep the root and the newest ids when the thread is long", () => {
    expect(replyReferences(["a", "b"], "c")).toEqual(["a", "b", "c"]);
    const long = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const refs = replyReferences(long, "last");
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe("m0");
    expect(refs.at(-1)).toBe("last");
    expect(refs.at(-2)).toBe("m29");
  });
});

describe("subjects", () => {
  it.each([
    ["Re: Order", "Order"],
    ["RE: Fwd: FW: Order", "Order"],
    ["Re[2]: Order", "Order"],
    ["AW: WG: Bestellung", "Bestellung"],
    ["Ответ: Отв: Заказ", "Заказ"],
    ["Regarding the order", "Regarding the order"],
    ["  ", ""],
  ])("baseSubject(%j) is %j", (input, expected) => {
    expect(baseSubject(input)).toBe(expected);
  });

  it("prefixes replies once", () => {
    expect(replySubject("Order")).toBe("Re: Order");
    expect(replySubject("")).toBe("");
  });
});
