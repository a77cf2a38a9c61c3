import { randomBytes } from "node:crypto";
import { Keyring, SecretKey } from "@switchboard/core/internal";
import { describe, expect, it } from "vitest";
import { FORM_TOKEN_TTL_MS, issueFormToken, readFormToken } from "./form-token.js";

const box = new Keyring(new SecretKey(randomBytes(32)));
const subject = { tenantId: 5, memberId: "m-1", line: 3 };

describe("settings form token", () => {
  it("opens for the line it was issued for until it expires", () => {
    const token = issueFormToken(box, subject, 1000);
    expect(readFormToken(box, token, 1000 + FORM_TOKEN_TTL_MS - 1)).toEqual(subject);
    expect(readFormToken(box, token, 1000 + FORM_TOKEN_TTL_MS)).toBe("expired");
  });

  it("refuses a missing, forged, altered or foreign token without throwing", () => {
    const token = issueFormToken(box, subject, 1000);
    const altered = token.slice(0, -3) + (token.endsWith("A") ? "BBB" : "AAA");
    const otherKey = issueFormToken(new Keyring(new SecretKey(randomBytes(32))), subject, 1000);
    const plain = JSON.stringify({ p: "bitrix24-settings", t: 5, m: "m-1", l: 3, e: 9e15 });
    const otherPurpose = box.seal(JSON.stringify({ p: "other", t: 5, m: "m-1", l: 3, e: 9e15 }));
    for (const bad of [undefined, "", "x", altered, otherKey, plain, otherPurpose, "sb1:zz:abc", box.seal("[]")]) {
      expect(readFormToken(box, bad, 1000)).toBeUndefined();
    }
  });
});
