/**
 * @module settings/settings-page — a gateway's settings form as a complete HTML page, for hosts
 * that show our page themselves (Bitrix24's connector slider) instead of drawing the JSON form.
 * Same definition, same texts, same errors as the JSON form; no script, nothing loaded from anywhere.
 */
import { translate, type Language, type Text } from "../i18n.js";
import { ownEntry } from "../util/own-entry.js";
import { escapeHtml } from "./escape-html.js";
import { DEFAULT_BUTTON, type FieldDefinition, type SettingsData, type SettingsForm } from "./form.js";
import { renderField } from "./page-fields.js";
import { PAGE_STYLE } from "./page-style.js";
import { PAGE_TEXTS } from "./page-texts.js";
import { withoutPasswords } from "./redact-passwords.js";

/** Messages by field, the shape `checkSettings` and `SettingsValidationError` give: `{group: {field: [messages]}}`. */
export type SettingsFieldErrors = Record<string, Record<string, readonly string[]>>;

/** One row of the status panel: what the host knows about the connection (active, connected, last error). */
export interface SettingsStatusRow {
  label: Text;
  value: Text;
  /** Shown as a green (true) or red (false) mark; no mark when absent. */
  ok?: boolean;
}

/** What {@link renderSettingsPage} draws. */
export interface SettingsPageOptions {
  form: SettingsForm;
  /**
   * The values to show: the stored settings, or the submitted ones after a refused save. A password's
   * value is never written into the page, only whether one is set (a string, or `true` when masked).
   */
  data: SettingsData;
  /**
   * After a refused save, what was posted (`parseSettingsForm`'s result): shown over `data` so the
   * person sees what they typed next to its error. Passwords in it are never shown either.
   */
  submitted?: Record<string, Record<string, unknown>>;
  errors?: SettingsFieldErrors;
  language: Language;
  /** Where the form posts (method POST, `application/x-www-form-urlencoded`). */
  action: string;
  /** Inputs the host needs back with the POST (its own names, outside the form's `settings[…]`). */
  hidden?: Readonly<Record<string, string>>;
  status?: readonly SettingsStatusRow[];
  /** The markdown each `markdownPreview` field shows, `{group: {field: markdown}}`, rendered by its previewer. */
  previews?: Record<string, Record<string, string>>;
  /** A line above the form: that the settings were saved (ok) or why they could not be. */
  notice?: { ok: boolean; text: Text };
}

/** The settings page as one self-contained HTML document (UTF-8; serve it with {@link settingsPageHeaders}). */
export function renderSettingsPage(options: SettingsPageOptions): string {
  const { form, language } = options;
  // The last guard for texts the host or a previewer wrote: no stored password leaves on the page.
  const clean = (text: string) =>
    withoutPasswords(withoutPasswords(text, form, options.data), form, options.submitted ?? {});
  const errors = options.errors ?? {};
  const title = escapeHtml(translate(form.title, language));

  const summary: string[] = [];
  const groups = Object.entries(form.groups).map(([groupName, group], groupIndex) => {
    const groupErrors = ownEntry(errors, groupName);
    const fields = Object.entries(group.fields).map(([fieldName, field], fieldIndex) => {
      const id = `f${groupIndex}-${fieldIndex}`;
      const messages = (ownEntry(groupErrors, fieldName) ?? []).map(clean);
      const fieldTitle = translate(field.title, language);
      for (const message of messages) {
        summary.push(`<li><a href="#${id}">${escapeHtml(fieldTitle)}</a>: ${escapeHtml(message)}</li>`);
      }
      const value = shownValue(options, groupName, fieldName, field);
      const preview = ownEntry(ownEntry(options.previews, groupName), fieldName);
      return renderField(field, {
        group: groupName,
        name: fieldName,
        id,
        value,
        errors: messages,
        preview: preview === undefined ? undefined : clean(preview),
        language,
      });
    });
    return (
      `<section class="panel group"><h2>${escapeHtml(translate(group.title, language))}</h2>` +
      (group.description === undefined
        ? ""
        : `<p class="desc">${escapeHtml(translate(group.description, language))}</p>`) +
      fields.join("") +
      `</section>`
    );
  });
  summary.push(...unplacedErrors(form, errors).map((message) => `<li>${escapeHtml(clean(message))}</li>`));

  const hidden = Object.entries(options.hidden ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");

  return [
    "<!DOCTYPE html>",
    `<html lang="${language.slice(0, 2)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title><style>${PAGE_STYLE}</style></head>`,
    "<body><main>",
    `<div class="intro"><h1>${title}</h1>`,
    form.description === undefined ? "" : `<p class="desc">${escapeHtml(translate(form.description, language))}</p>`,
    "</div>",
    renderStatus(options.status, language, clean),
    renderNotice(options, clean),
    summary.length
      ? `<div class="notice bad" role="alert"><p>${escapeHtml(translate(PAGE_TEXTS.notSaved, language))}</p>` +
        `<ul>${summary.join("")}</ul></div>`
      : "",
    `<form method="post" action="${escapeHtml(options.action)}" accept-charset="utf-8">`,
    hidden,
    groups.join(""),
    `<div class="actions"><button type="submit">${escapeHtml(translate(form.button ?? DEFAULT_BUTTON, language))}</button></div>`,
    "</form></main></body></html>",
  ].join("");
}

/** What a field shows: the posted value after a refused save, else the saved one, else the default. */
function shownValue(options: SettingsPageOptions, group: string, name: string, field: FieldDefinition): unknown {
  const posted = ownEntry(options.submitted, group);
  // A password's "is set" comes from the saved data: a typed one is not saved until the save succeeds.
  if (field.type !== "password" && posted !== undefined && Object.hasOwn(posted, name)) return posted[name];
  const saved = ownEntry(options.data, group);
  return saved !== undefined && Object.hasOwn(saved, name) ? saved[name] : field.default;
}

/** Messages for groups or fields the form does not have (a gateway's check may name any): shown, never lost. */
function unplacedErrors(form: SettingsForm, errors: SettingsFieldErrors): string[] {
  const out: string[] = [];
  for (const [groupName, fields] of Object.entries(errors)) {
    const group = ownEntry(form.groups, groupName);
    for (const [fieldName, messages] of Object.entries(fields)) {
      if (group === undefined || !Object.hasOwn(group.fields, fieldName)) out.push(...messages);
    }
  }
  return out;
}

function renderStatus(
  rows: readonly SettingsStatusRow[] | undefined,
  language: Language,
  clean: (text: string) => string,
): string {
  if (!rows?.length) return "";
  const body = rows
    .map((row) => {
      const mark =
        row.ok === undefined
          ? ""
          : `<span class="mark ${row.ok ? "ok" : "bad"}" aria-hidden="true"></span>` +
            `<span class="sr">${escapeHtml(translate(row.ok ? PAGE_TEXTS.ok : PAGE_TEXTS.problem, language))}: </span>`;
      return (
        `<tr><th scope="row">${escapeHtml(clean(translate(row.label, language)))}</th>` +
        `<td>${mark}${escapeHtml(clean(translate(row.value, language)))}</td></tr>`
      );
    })
    .join("");
  return (
    `<section class="panel status"><h2>${escapeHtml(translate(PAGE_TEXTS.status, language))}</h2>` +
    `<table><tbody>${body}</tbody></table></section>`
  );
}

function renderNotice(options: SettingsPageOptions, clean: (text: string) => string): string {
  const notice = options.notice;
  if (notice === undefined) return "";
  const role = notice.ok ? "status" : "alert";
  const text = escapeHtml(clean(translate(notice.text, options.language)));
  return `<div class="notice ${notice.ok ? "ok" : "bad"}" role="${role}"><p>${text}</p></div>`;
}
