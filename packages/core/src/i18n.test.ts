import { describe, expect, it } from "vitest";
import { negotiateLanguage } from "./i18n.js";

describe("negotiateLanguage", () => {
  it("uses only the first xx_YY token and ignores plain language codes", () => {
    expect(negotiateLanguage("ru_RU")).toBe("ru_RU");
    expect(negotiateLanguage("en, ru-RU")).toBe("ru_RU");
    expect(negotiateLanguage("de-DE, ru-RU")).toBe("en_US");
    expect(negotiateLanguage(undefined)).toBe("en_US");
  });
});
