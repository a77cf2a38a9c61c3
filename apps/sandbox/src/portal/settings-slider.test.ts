import { describe, expect, it } from "vitest";
import { framedBySelf, postingTo } from "./settings-slider.js";

describe("the settings slider's adaptations", () => {
  it("points every form at the frame, whatever quoting its action had, and adds one where there was none", () => {
    const html =
      `<form method="post" action="https://gw.example/bitrix24/settings?a=1&amp;b=2"></form>` +
      `<FORM action='x' method=post></FORM><form action=plain><form method="post">`;
    expect(postingTo(html, '/bitrix24/slider/1?"<x>&')).toBe(
      `<form method="post" action="/bitrix24/slider/1?&#34;&#60;x&#62;&#38;"></form>` +
        `<FORM action="/bitrix24/slider/1?&#34;&#60;x&#62;&#38;" method=post></FORM>` +
        `<form action="/bitrix24/slider/1?&#34;&#60;x&#62;&#38;">` +
        `<form action="/bitrix24/slider/1?&#34;&#60;x&#62;&#38;" method="post">`,
    );
    expect(postingTo("<p>no form</p><formula>", "/f")).toBe("<p>no form</p><formula>");
  });

  it("replaces frame-ancestors with 'self' and keeps every other directive", () => {
    expect(
      framedBySelf("default-src 'none'; frame-ancestors https://a.example http://a.example; form-action 'self'"),
    ).toBe("default-src 'none'; form-action 'self'; frame-ancestors 'self'");
    expect(framedBySelf("default-src 'none';")).toBe("default-src 'none'; frame-ancestors 'self'");
  });
});
