import { describe, expect, it } from "vitest";
import { mediaFileName, parseMediaUrl } from "./media.js";

const AC = "AC" + "a".repeat(32);
const MM = "MM" + "b".repeat(32);
const ME = "ME" + "c".repeat(32);
const path = `/2010-04-01/Accounts/${AC}/Messages/${MM}/Media/${ME}`;

describe("inbound media URLs", () => {
  it("accepts media resources under the configured API base only", () => {
    expect(parseMediaUrl(`https://api.twilio.com${path}`, "https://api.twilio.com")).toEqual({
      accountSid: AC,
      messageSid: MM,
      mediaSid: ME,
    });
    expect(parseMediaUrl(`http://127.0.0.1:9/base${path}`, "http://127.0.0.1:9/base/")).toBeDefined();
    expect(parseMediaUrl(`https://evil.test${path}`, "https://api.twilio.com")).toBeUndefined();
    expect(parseMediaUrl(`https://api.twilio.com.evil.test${path}`, "https://api.twilio.com")).toBeUndefined();
    expect(
      parseMediaUrl(`https://api.twilio.com/2010-04-01/Accounts/${AC}.json`, "https://api.twilio.com"),
    ).toBeUndefined();
  });

  it("names files by media SID and content type", () => {
    expect(mediaFileName(ME, "image/jpeg")).toBe(`${ME}.jpg`);
    expect(mediaFileName(ME, "application/x-Weird+type; q=1")).toBe(`${ME}.xweirdtype`);
    expect(mediaFileName(ME, "garbage")).toBe(`${ME}.bin`);
  });

  it("names a content type called like Object's properties as any unknown type", () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(mediaFileName(ME, type)).toBe(`${ME}.bin`);
    }
  });
});
