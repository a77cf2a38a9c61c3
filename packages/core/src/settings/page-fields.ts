/**
 * @module settings/page-fields — one settings field as HTML on the settings page, by its type.
 */
import { translate, type Language, type Text } from "../i18n.js";
import { escapeHtml } from "./escape-html.js";
import type { FieldDefinition } from "./form.js";
import { markdownToSafeHtml } from "./markdown-html.js";
import { settingsInputName, settingsListInputName } from "./page-input-names.js";
import { PAGE_TEXTS } from "./page-texts.js";

/** What rendering one field needs besides its definition. */
export interface FieldContext {
  group: string;
  name: string;
  /** Unique on the page, safe as an id. */
  id: string;
  /** The value to show (stored, submitted, or the default); a password's is only looked at for "is set". */
  value: unknown;
  errors: readonly string[];
  /** For a `markdownPreview`: its markdown, already cleared of passwords. */
  preview?: string;
  language: Language;
}

/** The HTML of one field: label, description, control, hint and its errors. */
export function renderField(field: FieldDefinition, context: FieldContext): string {
  switch (field.type) {
    case "boolean":
      return renderCheckbox(field, context);
    case "listOfEnum":
      return typeof field.values === "string" ? renderTextInput(field, context) : renderChoices(field, context);
    case "markdownPreview":
      return renderPreview(field, context);
    default:
      return renderTextInput(field, context);
  }
}

function t(text: Text, language: Language): string {
  return escapeHtml(translate(text, language));
}

function describedBy(field: FieldDefinition, context: FieldContext, hint: boolean): string {
  const ids = [
    field.description !== undefined ? `${context.id}-d` : "",
    hint ? `${context.id}-h` : "",
    context.errors.length ? `${context.id}-e` : "",
  ].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(" ")}"` : "";
}

function description(field: FieldDefinition, context: FieldContext): string {
  return field.description === undefined
    ? ""
    : `<p class="desc" id="${context.id}-d">${t(field.description, context.language)}</p>`;
}

function errorList(context: FieldContext): string {
  if (!context.errors.length) return "";
  const items = context.errors.map((message) => `<li>${escapeHtml(message)}</li>`).join("");
  return `<ul class="errors" id="${context.id}-e">${items}</ul>`;
}

function requiredMark(field: FieldDefinition, language: Language): string {
  return field.required ? `<span class="req" title="${t(PAGE_TEXTS.required, language)}">*</span>` : "";
}

function fieldClass(context: FieldContext, kind = ""): string {
  return ["field", kind, context.errors.length ? "invalid" : ""].filter(Boolean).join(" ");
}

function invalid(context: FieldContext): string {
  return context.errors.length ? ' aria-invalid="true"' : "";
}

/** Text as it stood in the settings: numbers written out, lists comma-separated, nothing else. */
function shownText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(String).join(", ");
  return "";
}

function isNotNumber(value: unknown): boolean {
  return typeof value === "string" && value.trim() !== "" && !Number.isFinite(Number(value.trim()));
}

function isSet(value: unknown): boolean {
  // Stored data holds the password itself; masked data (what the JSON route answers) holds `true`.
  return value === true || (typeof value === "string" && value !== "");
}

function renderTextInput(field: FieldDefinition, context: FieldContext): string {
  const { language } = context;
  const name = escapeHtml(settingsInputName(context.group, context.name));
  const saved = field.type === "password" && isSet(context.value);
  let hint = "";
  if (field.type === "password") hint = t(saved ? PAGE_TEXTS.passwordSaved : PAGE_TEXTS.passwordNotSaved, language);
  if (field.type === "listOfEnum") hint = t(PAGE_TEXTS.commaSeparated, language);
  const required = field.required && !saved ? " required" : "";
  const common = `id="${context.id}" name="${name}"${required}${invalid(context)}${describedBy(field, context, hint !== "")}`;
  let control: string;
  if ((field.type === "string" && field.multiline) || field.type === "markdown") {
    const kind = field.type === "markdown" ? ' class="markdown"' : "";
    // The parser drops one newline right after <textarea>: write one so a value's own survives.
    control = `<textarea ${common}${kind} rows="5">\n${escapeHtml(shownText(context.value))}</textarea>`;
  } else if (field.type === "password") {
    // Never prefilled: the page must not carry a stored secret back to the browser.
    control = `<input type="password" ${common} value="" autocomplete="new-password">`;
  } else if ((field.type === "integer" || field.type === "float") && !isNotNumber(context.value)) {
    const step = field.type === "integer" ? "1" : "any";
    control = `<input type="number" step="${step}" ${common} value="${escapeHtml(shownText(context.value))}">`;
  } else if (field.type === "integer" || field.type === "float") {
    // A refused text ("1,5") in a number input would be blanked by the browser: show it as typed.
    control = `<input type="text" inputmode="decimal" ${common} value="${escapeHtml(shownText(context.value))}">`;
  } else {
    control = `<input type="text" ${common} value="${escapeHtml(shownText(context.value))}">`;
  }
  return (
    `<div class="${fieldClass(context)}">` +
    `<label for="${context.id}">${t(field.title, language)}${requiredMark(field, language)}</label>` +
    description(field, context) +
    control +
    (hint ? `<p class="hint" id="${context.id}-h">${hint}</p>` : "") +
    errorList(context) +
    `</div>`
  );
}

function renderCheckbox(field: FieldDefinition, context: FieldContext): string {
  const name = escapeHtml(settingsInputName(context.group, context.name));
  const checked = context.value === true ? " checked" : "";
  return (
    `<div class="${fieldClass(context, "check")}">` +
    `<label><input type="checkbox" id="${context.id}" name="${name}" value="1"${checked}${invalid(context)}` +
    `${describedBy(field, context, false)}> ${t(field.title, context.language)}</label>` +
    description(field, context) +
    errorList(context) +
    `</div>`
  );
}

function renderChoices(field: FieldDefinition, context: FieldContext): string {
  const { language } = context;
  const name = escapeHtml(settingsListInputName(context.group, context.name));
  const chosen = new Set(Array.isArray(context.value) ? context.value.map(String) : []);
  // Values keep their declared order inside their group; groups come in the order they first appear,
  // after the values of no group (below a heading they would look like that group's).
  const byGroup = new Map<string, string[]>([["", []]]);
  for (const [value, option] of Object.entries(typeof field.values === "object" ? field.values : {})) {
    const heading = option.group === undefined ? "" : translate(option.group, language);
    const checked = chosen.has(value) ? " checked" : "";
    const box =
      `<label class="option"><input type="checkbox" name="${name}" value="${escapeHtml(value)}"${checked}` +
      `${invalid(context)}> ${t(option.title, language)}</label>`;
    byGroup.set(heading, [...(byGroup.get(heading) ?? []), box]);
  }
  const options = [...byGroup]
    .map(([heading, boxes]) => (heading ? `<p class="option-group">${escapeHtml(heading)}</p>` : "") + boxes.join(""))
    .join("");
  return (
    `<fieldset class="${fieldClass(context, "list")}" id="${context.id}"${describedBy(field, context, false)}>` +
    `<legend>${t(field.title, language)}${requiredMark(field, language)}</legend>` +
    description(field, context) +
    options +
    errorList(context) +
    `</fieldset>`
  );
}

function renderPreview(field: FieldDefinition, context: FieldContext): string {
  const body =
    context.preview === undefined
      ? `<p class="hint">${t(PAGE_TEXTS.noPreview, context.language)}</p>`
      : markdownToSafeHtml(context.preview);
  return (
    `<div class="${fieldClass(context)}" id="${context.id}">` +
    `<p class="label">${t(field.title, context.language)}</p>` +
    description(field, context) +
    `<div class="preview">${body}</div>` +
    errorList(context) +
    `</div>`
  );
}
