import { describe, expect, it } from "vitest";
import { LANGUAGES, translate, type Language } from "../i18n.js";
import { echo } from "../examples/echo/gateway.js";
import {
  attr,
  byTag,
  namedControls,
  parsePage,
  submission,
  textOf,
  within,
  type ParsedPage,
} from "../test/html-page.js";
import { everyFieldData, everyFieldForm } from "../test/every-field-form.js";
import { defineSettingsForm, type SettingsData, type SettingsForm } from "./form.js";
import { parseSettingsForm } from "./parse-page-form.js";
import { PAGE_TEXTS } from "./page-texts.js";
import { renderSettingsPage, type SettingsPageOptions } from "./settings-page.js";
import { checkSettings } from "./validate.js";

const HIDDEN = { PLACEMENT_OPTIONS: '{"LINE":"3"}', member_id: "abc" };

function page(options: Partial<SettingsPageOptions> = {}): ParsedPage {
  return parsePage(html(options));
}

function html(options: Partial<SettingsPageOptions> = {}): string {
  return renderSettingsPage({
    form: everyFieldForm,
    data: everyFieldData,
    language: "en_US",
    action: "/bitrix24/settings",
    hidden: HIDDEN,
    ...options,
  });
}

function control(p: ParsedPage, name: string) {
  const found = namedControls(p).filter((e) => attr(e, "name") === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

/** The field's wrapper: the nearest element with class `field` that holds the element. */
function fieldOf(p: ParsedPage, element: ReturnType<typeof control>) {
  const wrappers = p.elements.filter((e) => (attr(e, "class") ?? "").split(" ").includes("field"));
  const holding = wrappers.filter((w) => within(w).includes(element) || w === element);
  expect(holding.length).toBeGreaterThan(0);
  return holding.at(-1)!;
}

describe("renderSettingsPage → parseSettingsForm → checkSettings", () => {
  for (const language of LANGUAGES) {
    it(`gives back the saved settings of every field type unchanged when nothing is edited (${language})`, () => {
      const p = page({ language });
      const parsed = parseSettingsForm(everyFieldForm, submission(p));
      const checked = checkSettings(everyFieldForm, parsed, everyFieldData, language);
      expect(checked).toEqual({ ok: true, data: everyFieldData });
    });
  }

  it("saves what a person changed in every field type", () => {
    const p = page();
    const edited = submission(p, {
      "settings[account][name]": "  New name ",
      "settings[account][notes]": "one\ntwo",
      "settings[account][apiKey]": "new-key-123",
      "settings[account][spare]": "spare-456",
      "settings[account][enabled]": false,
      "settings[account][retries]": "7",
      "settings[account][ratio]": "1.5",
      "settings[account][signature]": "*hi*",
      "settings[routing][channels][]": ["sms", "mail"],
      "settings[routing][tags]": "a, b ,,c",
      "settings[routing][loud]": true,
    });
    const checked = checkSettings(everyFieldForm, parseSettingsForm(everyFieldForm, edited), everyFieldData, "en_US");
    expect(checked).toEqual({
      ok: true,
      data: {
        account: {
          name: "New name",
          notes: "one\ntwo",
          apiKey: "new-key-123",
          spare: "spare-456",
          enabled: false,
          retries: 7,
          ratio: 1.5,
          signature: "*hi*",
        },
        routing: { channels: ["sms", "mail"], tags: ["a", "b", "c"], loud: true },
      },
    });
  });

  it("shows the form's defaults before anything is saved, and saves them back", () => {
    const p = page({ data: {} });
    expect(attr(control(p, "settings[account][enabled]"), "checked")).toBeDefined();
    expect(attr(control(p, "settings[account][retries]"), "value")).toBe("3");
    const edited = submission(p, { "settings[account][name]": "Shop", "settings[account][apiKey]": "k-1234" });
    const checked = checkSettings(everyFieldForm, parseSettingsForm(everyFieldForm, edited), {}, "en_US");
    expect(checked.ok && checked.data.account).toMatchObject({
      apiKey: "k-1234",
      spare: null,
      enabled: true,
      retries: 3,
      ratio: null,
    });
  });

  it("runs core's echo example form through the same pipeline: passwords set, then kept when left empty", () => {
    const form = echo.settings;
    const first = parsePage(renderSettingsPage({ form, data: {}, language: "ru_RU", action: "/s" }));
    expect(attr(control(first, "settings[main][apiKey]"), "required")).toBeDefined();
    const refused = checkSettings(form, parseSettingsForm(form, submission(first)), {}, "ru_RU");
    expect(refused).toEqual({
      ok: false,
      errors: {
        main: { apiKey: ["Поле обязательно для заполнения"], webhookSecret: ["Поле обязательно для заполнения"] },
      },
    });
    const body = submission(first, { "settings[main][apiKey]": "key-1", "settings[main][webhookSecret]": "hook-1" });
    const saved = checkSettings(form, parseSettingsForm(form, body), {}, "ru_RU");
    expect(saved).toEqual({ ok: true, data: { main: { apiKey: "key-1", webhookSecret: "hook-1" } } });

    const again = parsePage(
      renderSettingsPage({ form, data: saved.ok ? saved.data : {}, language: "ru_RU", action: "/s" }),
    );
    expect(attr(control(again, "settings[main][apiKey]"), "required")).toBeUndefined();
    const kept = checkSettings(form, parseSettingsForm(form, submission(again)), saved.ok ? saved.data : {}, "ru_RU");
    expect(kept).toEqual(saved);
  });
});

describe("the page as HTML", () => {
  const full: Partial<SettingsPageOptions> = {
    errors: { account: { name: ["Too short"] }, routing: { channels: ["Pick one"] }, other: { x: ["Elsewhere"] } },
    status: [
      { label: "Active", value: "yes", ok: true },
      { label: "Last error", value: "none" },
    ],
    previews: {
      routing: { setup: "Point the webhook at `https://gw.example/hook`\n\n| a | b |\n|---|---|\n| 1 | 2 |" },
    },
    notice: { ok: true, text: "Saved" },
  };

  for (const language of LANGUAGES) {
    it(`parses without a single HTML parse error, with every part drawn (${language})`, () => {
      expect(page({ ...full, language }).errors).toEqual([]);
      expect(page({ language, data: {} }).errors).toEqual([]);
      expect(parsePage(renderSettingsPage({ form: echo.settings, data: {}, language, action: "/s" })).errors).toEqual(
        [],
      );
    });
  }

  it("names every input after a field of the form, and every data field has its input", () => {
    for (const form of [everyFieldForm, echo.settings] as SettingsForm[]) {
      const p = parsePage(renderSettingsPage({ form, data: {}, language: "en_US", action: "/s", hidden: HIDDEN }));
      const seen = new Set<string>();
      for (const element of namedControls(p)) {
        const name = attr(element, "name")!;
        if (attr(element, "type") === "hidden") {
          expect(Object.hasOwn(HIDDEN, name), name).toBe(true);
          continue;
        }
        const match = /^settings\[([^\]]+)\]\[([^\]]+)\](\[\])?$/.exec(name);
        expect(match, name).not.toBeNull();
        const [, group, field, list] = match!;
        expect(Object.hasOwn(form.groups, group!), name).toBe(true);
        const definition = Object.hasOwn(form.groups[group!]!.fields, field!)
          ? form.groups[group!]!.fields[field!]
          : undefined;
        expect(definition, name).toBeDefined();
        expect(definition!.type).not.toBe("markdownPreview");
        expect(list !== undefined, name).toBe(
          definition!.type === "listOfEnum" && typeof definition!.values === "object",
        );
        seen.add(`${group}.${field}`);
      }
      const expected = Object.entries(form.groups).flatMap(([g, group]) =>
        Object.entries(group.fields)
          .filter(([, f]) => f.type !== "markdownPreview")
          .map(([f]) => `${g}.${f}`),
      );
      expect([...seen].sort()).toEqual(expected.sort());
    }
  });

  it("gives unique ids, and every label and description points at one that exists", () => {
    const p = page(full);
    const ids = p.elements.map((e) => attr(e, "id")).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    for (const label of byTag(p, "label").filter((l) => attr(l, "for"))) expect(ids).toContain(attr(label, "for"));
    for (const element of p.elements.filter((e) => attr(e, "aria-describedby"))) {
      for (const id of attr(element, "aria-describedby")!.split(" ")) expect(ids).toContain(id);
    }
    for (const link of byTag(p, "a").filter((a) => attr(a, "href")?.startsWith("#"))) {
      expect(ids).toContain(attr(link, "href")!.slice(1));
    }
  });

  it("loads nothing and runs nothing: one inline stylesheet, no script, no external resource", () => {
    const p = page(full);
    expect(byTag(p, "script")).toEqual([]);
    expect(byTag(p, "style")).toHaveLength(1);
    for (const tag of ["link", "img", "iframe", "object", "embed", "base", "meta"]) {
      for (const element of byTag(p, tag)) expect(element.attrs.map((a) => a.name)).not.toContain("src");
    }
    expect(byTag(p, "link")).toEqual([]);
    const form = byTag(p, "form");
    expect(form).toHaveLength(1);
    expect(attr(form[0]!, "method")).toBe("post");
    expect(attr(form[0]!, "action")).toBe("/bitrix24/settings");
    expect(byTag(p, "button").map(textOf)).toEqual(["Connect"]);
  });

  it("draws each field type as its control", () => {
    const p = page();
    expect(control(p, "settings[account][name]").tagName).toBe("input");
    expect(attr(control(p, "settings[account][name]"), "required")).toBeDefined();
    expect(control(p, "settings[account][notes]").tagName).toBe("textarea");
    expect(control(p, "settings[account][signature]").tagName).toBe("textarea");
    expect(attr(control(p, "settings[account][apiKey]"), "type")).toBe("password");
    expect(attr(control(p, "settings[account][enabled]"), "type")).toBe("checkbox");
    expect(attr(control(p, "settings[account][retries]"), "type")).toBe("number");
    expect(attr(control(p, "settings[account][retries]"), "step")).toBe("1");
    expect(attr(control(p, "settings[account][ratio]"), "step")).toBe("any");
    expect(attr(control(p, "settings[routing][tags]"), "value")).toBe("vip, новый клиент");
    const boxes = namedControls(p).filter((e) => attr(e, "name") === "settings[routing][channels][]");
    expect(boxes.map((b) => [attr(b, "value"), attr(b, "checked") !== undefined])).toEqual([
      ["other", true], // of no group: first, not below another group's heading
      ["sms", false],
      ["voice", true],
      ["mail", false],
    ]);
    const list = fieldOf(p, boxes[0]!);
    expect(
      within(list)
        .filter((e) => attr(e, "class") === "option-group")
        .map(textOf),
    ).toEqual(["Phone", "Internet"]);
  });

  it("renders a preview's markdown as HTML, and says when a preview has none", () => {
    const withPreview = page(full);
    const preview = withPreview.elements.find((e) => attr(e, "class") === "preview")!;
    expect(byTag(withPreview, "code").map(textOf)).toContain("https://gw.example/hook");
    expect(within(preview).some((e) => e.tagName === "table")).toBe(true);
    const without = page();
    expect(textOf(without.elements.find((e) => attr(e, "class") === "preview")!)).toBe("Not available yet.");
  });
});

describe("escaping", () => {
  const PAYLOAD = `"'><script>alert(1)</script><b onmouseover="x()">&amp;`;
  const text = (s: string) => ({ en_US: `${s} ${PAYLOAD}`, ru_RU: `${s} ${PAYLOAD}` });
  const hostile = defineSettingsForm({
    title: text("title"),
    description: text("form description"),
    button: text("button"),
    groups: {
      [`g${PAYLOAD}`]: {
        title: text("group"),
        description: text("group description"),
        fields: {
          [`s${PAYLOAD}`]: { type: "string", title: text("string"), description: text("string description") },
          area: { type: "string", multiline: true, title: text("area") },
          md: { type: "markdown", title: text("markdown") },
          pass: { type: "password", title: text("password") },
          on: { type: "boolean", title: text("boolean"), description: text("boolean description") },
          n: { type: "integer", title: text("integer") },
          list: {
            type: "listOfEnum",
            title: text("list"),
            values: { [`v${PAYLOAD}`]: { title: text("option"), group: text("option group") } },
          },
          auto: { type: "listOfEnum", title: text("autocomplete"), values: "names" },
          preview: { type: "markdownPreview", title: text("preview"), description: text("preview description") },
        },
      },
    },
  });
  const group = `g${PAYLOAD}`;
  const data: SettingsData = {
    [group]: {
      [`s${PAYLOAD}`]: PAYLOAD,
      area: `</textarea>${PAYLOAD}`,
      md: `</textarea>${PAYLOAD}`,
      n: PAYLOAD,
      list: [`v${PAYLOAD}`],
      auto: [PAYLOAD],
    },
  };
  const previewMarkdown = [
    `Raw ${PAYLOAD} and <img src="x" onerror="alert(1)"> and <iframe src="https://evil.example"></iframe>`,
    "[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) [ok](https://ok.example/a?b=1&c=2)",
    '![pic](https://evil.example/track.png) <a href="javascript:alert(1)">raw link</a>',
    "- [x] done task",
    "<style>body{display:none}</style>",
  ].join("\n\n");

  function hostilePage(language: Language): ParsedPage {
    return parsePage(
      renderSettingsPage({
        form: hostile,
        data,
        language,
        action: `/save?x=${PAYLOAD}`,
        hidden: { [`h${PAYLOAD}`]: PAYLOAD },
        errors: { [group]: { [`s${PAYLOAD}`]: [PAYLOAD] }, elsewhere: { f: [`unplaced ${PAYLOAD}`] } },
        status: [{ label: text("status label"), value: text("status value"), ok: false }],
        previews: { [group]: { preview: previewMarkdown } },
        notice: { ok: false, text: text("notice") },
      }),
    );
  }

  for (const language of LANGUAGES) {
    it(`keeps a <script> in every text position as text (${language})`, () => {
      const p = hostilePage(language);
      expect(p.errors).toEqual([]);
      expect(byTag(p, "script")).toEqual([]);
      expect(byTag(p, "b")).toEqual([]);
      expect(byTag(p, "img")).toEqual([]);
      expect(byTag(p, "iframe")).toEqual([]);
      expect(byTag(p, "style")).toHaveLength(1); // the page's own
      expect(byTag(p, "input").filter((i) => !attr(i, "name"))).toEqual([]); // the task list's box is text
      for (const element of p.elements) {
        for (const { name } of element.attrs) {
          expect(name.startsWith("on"), `${element.tagName} ${name}`).toBe(false);
          expect(name, element.tagName).not.toBe("style");
        }
      }
      for (const link of byTag(p, "a")) expect(attr(link, "href")).toMatch(/^(#f\d+-\d+|https:\/\/ok\.example\/)/);

      // Every text came through whole, as text.
      const body = textOf(byTag(p, "body")[0]!);
      for (const where of [
        "title",
        "form description",
        "group",
        "group description",
        "string",
        "string description",
        "area",
        "markdown",
        "password",
        "boolean",
        "boolean description",
        "integer",
        "list",
        "option",
        "option group",
        "autocomplete",
        "preview",
        "preview description",
        "status label",
        "status value",
        "notice",
        "button",
        "unplaced",
      ]) {
        expect(body, where).toContain(`${where} ${PAYLOAD}`);
      }
      expect(textOf(byTag(p, "title")[0]!)).toBe(`title ${PAYLOAD}`);
      expect(body).toContain(`Raw ${PAYLOAD.replace("&amp;", "&")}`); // markdown reads its entity
      expect(body).toContain("<style>body{display:none}</style>");
      expect(attr(byTag(p, "form")[0]!, "action")).toBe(`/save?x=${PAYLOAD}`);
      expect(attr(control(p, `h${PAYLOAD}`), "value")).toBe(PAYLOAD);
      expect(attr(control(p, `settings[${group}][s${PAYLOAD}]`), "value")).toBe(PAYLOAD);
      expect(textOf(control(p, `settings[${group}][area]`))).toBe(`</textarea>${PAYLOAD}`);
      expect(textOf(control(p, `settings[${group}][md]`))).toBe(`</textarea>${PAYLOAD}`);
      expect(attr(control(p, `settings[${group}][n]`), "value")).toBe(PAYLOAD);
      expect(attr(control(p, `settings[${group}][list][]`), "value")).toBe(`v${PAYLOAD}`);
      expect(attr(control(p, `settings[${group}][auto]`), "value")).toBe(PAYLOAD);
    });
  }

  it("gives back hostile values unchanged through the round trip", () => {
    const p = hostilePage("en_US");
    const parsed = parseSettingsForm(hostile, submission(p));
    const checked = checkSettings(hostile, parsed, data, "en_US");
    expect(checked.ok).toBe(false); // `n` holds text: the page keeps it so the person sees what was wrong
    const fixed = parseSettingsForm(hostile, submission(p, { [`settings[${group}][n]`]: "4" }));
    expect(checkSettings(hostile, fixed, data, "en_US")).toEqual({
      ok: true,
      data: {
        [group]: {
          [`s${PAYLOAD}`]: PAYLOAD,
          area: `</textarea>${PAYLOAD}`,
          md: `</textarea>${PAYLOAD}`,
          pass: null,
          on: false,
          n: 4,
          list: [`v${PAYLOAD}`],
          auto: [PAYLOAD],
        },
      },
    });
  });
});

describe("passwords", () => {
  const secret = everyFieldData.account!.apiKey as string;
  const escaped = secret.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

  it("never writes a stored password into the page, wherever the host or a previewer put it", () => {
    const out = html({
      previews: { routing: { setup: `Your key is ${secret}` } },
      errors: { account: { name: [`Refused ${secret}`] } },
      status: [{ label: "Last error", value: `401 for ${secret}`, ok: false }],
      notice: { ok: false, text: `Channel said ${secret}` },
    });
    expect(out).not.toContain(secret);
    expect(out).not.toContain(escaped);
    expect(out).not.toContain("key-4f");
    const p = parsePage(out);
    for (const name of ["settings[account][apiKey]", "settings[account][spare]"]) {
      expect(attr(control(p, name), "value")).toBe("");
    }
    expect(textOf(byTag(p, "body")[0]!)).toContain("Your key is [hidden]");
  });

  for (const language of LANGUAGES) {
    it(`says which passwords are saved and that an empty one is kept (${language})`, () => {
      const p = page({ language });
      const saved = fieldOf(p, control(p, "settings[account][apiKey]"));
      const unset = fieldOf(p, control(p, "settings[account][spare]"));
      expect(textOf(saved)).toContain(translate(PAGE_TEXTS.passwordSaved, language));
      expect(textOf(unset)).toContain(translate(PAGE_TEXTS.passwordNotSaved, language));
      // Masked data (what the JSON route answers) says the same.
      const masked = page({ language, data: { account: { apiKey: true, spare: false } } });
      expect(textOf(fieldOf(masked, control(masked, "settings[account][apiKey]")))).toContain(
        translate(PAGE_TEXTS.passwordSaved, language),
      );
    });
  }
});

describe("errors", () => {
  it("puts checkSettings' messages next to their fields, in the page's language, and lists them on top", () => {
    const p0 = page({ language: "ru_RU" });
    const body = submission(p0, { "settings[account][name]": " ", "settings[account][retries]": "many" });
    const checked = checkSettings(everyFieldForm, parseSettingsForm(everyFieldForm, body), everyFieldData, "ru_RU");
    expect(checked.ok).toBe(false);
    const errors = checked.ok ? {} : checked.errors;
    const p = page({ language: "ru_RU", errors, data: everyFieldData });

    for (const [name, message] of [
      ["settings[account][name]", "Поле обязательно для заполнения"],
      ["settings[account][retries]", "Должно быть целым числом"],
    ] as const) {
      const input = control(p, name);
      const field = fieldOf(p, input);
      const list = within(field).find((e) => attr(e, "class") === "errors")!;
      expect(within(list).map(textOf)).toEqual([message]);
      expect(attr(input, "aria-invalid")).toBe("true");
      expect(attr(input, "aria-describedby")!.split(" ")).toContain(attr(list, "id"));
    }
    // The refused text stays as typed: a number input would show it blank.
    expect(attr(control(p, "settings[account][retries]"), "type")).toBe("number");
    const refused = page({
      language: "ru_RU",
      errors,
      data: { account: { ...everyFieldData.account, retries: "many" } },
    });
    expect(attr(control(refused, "settings[account][retries]"), "type")).toBe("text");
    expect(attr(control(refused, "settings[account][retries]"), "value")).toBe("many");
    // Fields without errors carry none.
    const fine = fieldOf(p, control(p, "settings[account][ratio]"));
    expect(within(fine).some((e) => attr(e, "class") === "errors")).toBe(false);
    const alert = p.elements.find((e) => attr(e, "role") === "alert")!;
    expect(textOf(alert)).toContain(translate(PAGE_TEXTS.notSaved, "ru_RU"));
    expect(
      within(alert)
        .filter((e) => e.tagName === "li")
        .map(textOf),
    ).toEqual(["Имя: Поле обязательно для заполнения", "Повторы: Должно быть целым числом"]);
  });

  it("after a refused save shows what was posted next to its error, but never a typed password", () => {
    const typed = "brand-new-key-789";
    const body = submission(page(), {
      "settings[account][name]": "",
      "settings[account][retries]": "2.5",
      "settings[account][apiKey]": typed,
      "settings[account][enabled]": false,
      "settings[routing][channels][]": ["mail"],
      "settings[routing][tags]": "x, y",
    });
    const submitted = parseSettingsForm(everyFieldForm, body);
    const checked = checkSettings(everyFieldForm, submitted, everyFieldData, "en_US");
    expect(checked.ok).toBe(false);
    const errors = checked.ok
      ? {}
      : { ...checked.errors, account: { ...checked.errors.account, apiKey: [`${typed} was refused`] } };
    const out = html({ data: everyFieldData, submitted, errors });
    expect(out).not.toContain(typed);
    const p = parsePage(out);
    expect(attr(control(p, "settings[account][name]"), "value")).toBe("");
    expect(attr(control(p, "settings[account][retries]"), "value")).toBe("2.5");
    expect(attr(control(p, "settings[account][enabled]"), "checked")).toBeUndefined();
    expect(attr(control(p, "settings[routing][tags]"), "value")).toBe("x, y");
    const ticked = namedControls(p).filter(
      (e) => attr(e, "name") === "settings[routing][channels][]" && attr(e, "checked") !== undefined,
    );
    expect(ticked.map((e) => attr(e, "value"))).toEqual(["mail"]);
    // The typed key is not saved: the page says the saved one is kept if the field stays empty.
    const key = control(p, "settings[account][apiKey]");
    expect(attr(key, "value")).toBe("");
    expect(textOf(fieldOf(p, key))).toContain(translate(PAGE_TEXTS.passwordSaved, "en_US"));
    expect(textOf(fieldOf(p, key))).toContain("[hidden] was refused");
  });

  it("places a list's error by the list, and keeps messages for fields the form lacks", () => {
    const p = page({
      errors: { routing: { channels: ["Pick one"] }, nowhere: { at: ["Lost?"] }, account: { ghost: ["Not lost"] } },
    });
    const boxes = namedControls(p).filter((e) => attr(e, "name") === "settings[routing][channels][]");
    expect(
      within(fieldOf(p, boxes[0]!))
        .filter((e) => attr(e, "class") === "errors")
        .map(textOf),
    ).toEqual(["Pick one"]);
    const alert = p.elements.find((e) => attr(e, "role") === "alert")!;
    expect(
      within(alert)
        .filter((e) => e.tagName === "li")
        .map(textOf),
    ).toEqual(["Channels: Pick one", "Lost?", "Not lost"]);
  });
});

describe("languages", () => {
  it("writes the page in the language asked for", () => {
    const ru = page({
      language: "ru_RU",
      status: [{ label: { en_US: "Active", ru_RU: "Активна" }, value: "да", ok: true }],
    });
    expect(attr(byTag(ru, "html")[0]!, "lang")).toBe("ru");
    const ruText = textOf(byTag(ru, "body")[0]!);
    for (const word of [
      "Всё сразу",
      "Аккаунт",
      "Заметки",
      "Телефон",
      "Подключить",
      "Состояние",
      "Активна",
      "В порядке",
    ]) {
      expect(ruText).toContain(word);
    }
    const en = page({
      language: "en_US",
      status: [{ label: { en_US: "Active", ru_RU: "Активна" }, value: "yes", ok: true }],
    });
    expect(attr(byTag(en, "html")[0]!, "lang")).toBe("en");
    const enText = textOf(byTag(en, "body")[0]!);
    for (const word of ["Everything", "Account", "Notes", "Phone", "Connect", "Status", "Active", "OK"]) {
      expect(enText).toContain(word);
    }
    expect(enText).not.toMatch(/[а-яё]/i); // not one Russian word of ours or the form's
  });

  it("uses the default button text of the JSON form when the form names none", () => {
    for (const [language, word] of [
      ["en_US", "Save"],
      ["ru_RU", "Сохранить"],
    ] as const) {
      const p = parsePage(renderSettingsPage({ form: echo.settings, data: {}, language, action: "/s" }));
      expect(byTag(p, "button").map(textOf)).toEqual([word]);
    }
  });
});
