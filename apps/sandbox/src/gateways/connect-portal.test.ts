import { describe, expect, it } from "vitest";
import { hiddenInputs } from "./connect-portal.js";

describe("hiddenInputs", () => {
  it("reads the settings page's hidden inputs in order, with core's entities decoded", () => {
    const html =
      '<form><input type="hidden" name="sb_form" value="a&amp;b&quot;c&#39;&lt;&gt;">' +
      '<input type="hidden" name="sb_lang" value="en_US"><input type="password" name="settings[main][botToken]" value=""></form>';
    expect(hiddenInputs(html)).toEqual([
      ["sb_form", `a&b"c'<>`],
      ["sb_lang", "en_US"],
    ]);
    expect(hiddenInputs("<p>no form</p>")).toEqual([]);
  });
});
