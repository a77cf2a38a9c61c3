import { twilioSignature } from "@switchboard/testkit/twilio";
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { isValidSignature, param, parseForm } from "./signature.js";

const token = "12345678901234567890123456789012";
const url = "https://gw.example.test/sms/sms/inbound/pub123";
const params = { MessageSid: "SM1", Body: "Hi & bye = ok 👋", From: "+14155550100", NumMedia: "0" };

describe("Twilio signatures", () => {
  it("the fake Twilio signs exactly like twilio-node expects", () => {
    const signature = twilioSignature(token, url, params);
    expect(signature).toBe(twilio.getExpectedTwilioSignature(token, url, params));
    expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
  });

  it("accepts the signature over the public URL and the exact form body", () => {
    const signature = twilioSignature(token, url, params);
    const form = parseForm(new URLSearchParams(params).toString());
    expect(isValidSignature({ authToken: token, signature, url, params: form })).toBe(true);
  });

  it("rejects a missing signature, another token, another URL or changed params", () => {
    const signature = twilioSignature(token, url, params);
    const base = { authToken: token, signature, url, params };
    expect(isValidSignature({ ...base, signature: undefined })).toBe(false);
    expect(isValidSignature({ ...base, authToken: "x".repeat(32) })).toBe(false);
    expect(isValidSignature({ ...base, url: "https://evil.test/sms/sms/inbound/pub123" })).toBe(false);
    expect(isValidSignature({ ...base, params: { ...params, Body: "changed" } })).toBe(false);
  });

  it("includes the query string Twilio was given", () => {
    const signature = twilioSignature(token, `${url}?x=1`, params);
    expect(isValidSignature({ authToken: token, signature, url: `${url}?x=1`, params })).toBe(true);
    expect(isValidSignature({ authToken: token, signature, url, params })).toBe(false);
  });

  it("keeps fields named like Object's properties as plain fields, signed like any other", () => {
    const nasty = { __proto__x: "0", constructor: "c", toString: "t", hasOwnProperty: "h", Body: "hi" };
    const body = new URLSearchParams([...Object.entries(nasty), ["__proto__", "p"]]).toString();
    const form = parseForm(body);
    expect(Object.keys(form).sort()).toEqual([
      "Body",
      "__proto__",
      "__proto__x",
      "constructor",
      "hasOwnProperty",
      "toString",
    ]);
    expect(form.constructor).toBe("c");
    expect(param(form, "__proto__")).toBe("p");
    expect(param(parseForm("Body=x"), "constructor")).toBeUndefined();
    const signature = twilioSignature(token, url, Object.fromEntries(new URLSearchParams(body)));
    expect(isValidSignature({ authToken: token, signature, url, params: form })).toBe(true);
  });

  it("parses repeated form names as lists", () => {
    expect(parseForm("a=1&b=2&a=3")).toEqual({ a: ["1", "3"], b: "2" });
  });
});
