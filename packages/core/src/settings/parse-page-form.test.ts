import { describe, expect, it } from "vitest";
import { everyFieldData, everyFieldForm } from "../test/every-field-form.js";
import { defineSettingsForm } from "./form.js";
import { parseSettingsForm } from "./parse-page-form.js";
import { checkSettings } from "./validate.js";

const post = (entries: Array<[string, string]>) => new URLSearchParams(entries);

describe("parseSettingsForm", () => {
  it("reads every field type from the page's names", () => {
    const parsed = parseSettingsForm(
      everyFieldForm,
      post([
        ["settings[account][name]", "Shop"],
        ["settings[account][notes]", "a\r\nb\rc"],
        ["settings[account][apiKey]", "k-1"],
        ["settings[account][spare]", ""],
        ["settings[account][enabled]", "1"],
        ["settings[account][retries]", " 4 "],
        ["settings[account][ratio]", ""],
        ["settings[account][signature]", "**x**"],
        ["settings[routing][channels][]", "mail"],
        ["settings[routing][channels][]", "fax"],
        ["settings[routing][channels][]", "sms"],
        ["settings[routing][tags]", " vip ,, new "],
        ["settings[routing][setup]", "ignored: a preview holds no data"],
      ]),
    );
    expect(parsed).toEqual({
      account: {
        name: "Shop",
        notes: "a\nb\nc",
        apiKey: "k-1",
        enabled: true,
        retries: 4,
        ratio: null,
        signature: "**x**",
      },
      routing: { channels: ["sms", "mail", "fax"], tags: ["vip", "new"], loud: false }, // the form's order
    });
  });

  it("takes an absent checkbox as false and an absent list as empty", () => {
    const parsed = parseSettingsForm(everyFieldForm, post([]));
    expect(parsed.account).toEqual({ enabled: false });
    expect(parsed.routing).toEqual({ channels: [], tags: [], loud: false });
  });

  it("keeps the stored password when the page sends an empty one, as the JSON route does when one is omitted", () => {
    const body = post([
      ["settings[account][name]", "Shop"],
      ["settings[account][apiKey]", ""],
    ]);
    const parsed = parseSettingsForm(everyFieldForm, body);
    expect(Object.hasOwn(parsed.account!, "apiKey")).toBe(false);
    const checked = checkSettings(everyFieldForm, parsed, everyFieldData, "en_US");
    expect(checked.ok && checked.data.account!.apiKey).toBe(everyFieldData.account!.apiKey);
  });

  it("keeps a number that does not parse as the text, so validation names the field", () => {
    const parsed = parseSettingsForm(
      everyFieldForm,
      post([
        ["settings[account][name]", "Shop"],
        ["settings[account][retries]", "2.5"],
        ["settings[account][ratio]", "1,5"],
        ["settings[routing][channels][]", "fax"],
      ]),
    );
    expect(parsed.account).toMatchObject({ retries: 2.5, ratio: "1,5" });
    const checked = checkSettings(everyFieldForm, parsed, everyFieldData, "en_US");
    expect(checked).toEqual({
      ok: false,
      errors: {
        account: { retries: ["Must be a whole number"], ratio: ["Must be a number"] },
        routing: { channels: ["Must be a list of allowed values"] },
      },
    });
  });

  it("reads only the form's own groups and fields, whatever else the POST carries", () => {
    const form = defineSettingsForm({
      title: "t",
      groups: JSON.parse('{"__proto__": {"title": "p", "fields": {"constructor": {"type": "string", "title": "c"}}}}'),
    });
    const parsed = parseSettingsForm(
      form,
      post([
        ["settings[__proto__][constructor]", "own"],
        ["settings[__proto__][polluted]", "no"],
        ["settings[toString][x]", "no"],
        ["PLACEMENT_OPTIONS", "{}"],
      ]),
    );
    expect(Object.keys(parsed)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toEqual({ constructor: "own" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
