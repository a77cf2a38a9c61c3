import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { settingsPageHeaders } from "./page-headers.js";

describe("settingsPageHeaders", () => {
  it("allows the inline style and posting back to us, and no framing unless told", () => {
    expect(settingsPageHeaders()).toEqual({
      "content-type": "text/html; charset=utf-8",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    });
  });

  it("lets the caller's origins frame the page, written as bare origins", () => {
    const headers = settingsPageHeaders({
      frameAncestors: [
        "https://shop.bitrix24.ru/marketplace/app/1/",
        "https://shop.bitrix24.ru",
        "http://127.0.0.1:4000",
      ],
    });
    expect(headers["content-security-policy"]).toMatch(
      / frame-ancestors https:\/\/shop\.bitrix24\.ru http:\/\/127\.0\.0\.1:4000$/,
    );
  });

  it("refuses an ancestor that is not an http(s) origin, so nothing can be added to the policy", () => {
    for (const bad of [
      "https://a.example; script-src *",
      "javascript:alert(1)",
      "*",
      "'self'",
      "data:text/html,x",
      "",
    ]) {
      expect(() => settingsPageHeaders({ frameAncestors: [bad] }), bad).toThrow(InvalidInputError);
    }
  });
});
