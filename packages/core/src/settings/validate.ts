/**
 * @module settings/validate — merging, checking and cleaning settings data against a form (§5.4 PUT).
 */
import { translate, type Language, type Text } from "../i18n.js";
import { passwordFields, type FieldDefinition, type SettingsData, type SettingsForm } from "./form.js";

const MESSAGES = {
  required: { en_US: "This field is required", ru_RU: "Поле обязательно для заполнения" },
  string: { en_US: "Must be text", ru_RU: "Должно быть текстом" },
  boolean: { en_US: "Must be true or false", ru_RU: "Должно быть да или нет" },
  integer: { en_US: "Must be a whole number", ru_RU: "Должно быть целым числом" },
  float: { en_US: "Must be a number", ru_RU: "Должно быть числом" },
  list: { en_US: "Must be a list of allowed values", ru_RU: "Должно быть списком допустимых значений" },
} satisfies Record<string, Text>;

/** Result of checking submitted settings: cleaned data, or per-field errors. */
export type SettingsCheck =
  { ok: true; data: SettingsData } | { ok: false; errors: Record<string, Record<string, string[]>> };

/**
 * Keeps stored passwords the request omits, fills defaults, coerces obvious scalar forms
 * ("587" → 587), validates every field and drops anything the form does not define.
 */
export function checkSettings(
  form: SettingsForm,
  submitted: Record<string, unknown>,
  stored: SettingsData,
  language: Language,
): SettingsCheck {
  const data: SettingsData = {};
  const errors: Record<string, Record<string, string[]>> = {};
  for (const [groupName, group] of Object.entries(form.groups)) {
    const input = submitted[groupName];
    const groupInput =
      input && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [fieldName, field] of Object.entries(group.fields)) {
      if (field.type === "markdownPreview") continue;
      let value = groupInput[fieldName];
      if (value === undefined && field.type === "password") value = stored[groupName]?.[fieldName];
      if (value === undefined) value = field.default ?? null;
      out[fieldName] = coerce(field, value);
    }
    data[groupName] = out;
  }
  for (const [groupName, group] of Object.entries(form.groups)) {
    for (const [fieldName, field] of Object.entries(group.fields)) {
      if (field.type === "markdownPreview") continue;
      const messages = validateField(field, data[groupName]![fieldName], data).map((m) => translate(m, language));
      if (messages.length) (errors[groupName] ??= {})[fieldName] = messages;
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data };
}

/** Settings data as the CRM may see it: password values replaced by "is set" booleans. */
export function maskPasswords(form: SettingsForm, data: SettingsData): SettingsData {
  const out: SettingsData = structuredClone(data);
  for (const [g, f] of passwordFields(form)) {
    const value = data[g]?.[f];
    (out[g] ??= {})[f] = value !== undefined && value !== null && value !== "";
  }
  return out;
}

function coerce(field: FieldDefinition, value: unknown): unknown {
  if (typeof value === "string") {
    const trimmed = value.trim();
    if ((field.type === "integer" || field.type === "float") && trimmed !== "" && Number.isFinite(Number(trimmed))) {
      return Number(trimmed);
    }
    if (field.type === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
    if (field.type === "string" || field.type === "password" || field.type === "markdown") return trimmed;
  }
  return value;
}

function validateField(field: FieldDefinition, value: unknown, data: SettingsData): Text[] {
  const empty = value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  if (empty) return field.required ? [MESSAGES.required] : [];
  const typeError = checkType(field, value);
  if (typeError) return [typeError];
  const custom = field.validate?.(value, data);
  if (custom === undefined) return [];
  return Array.isArray(custom) ? custom : [custom];
}

function checkType(field: FieldDefinition, value: unknown): Text | undefined {
  switch (field.type) {
    case "string":
    case "password":
    case "markdown":
      return typeof value === "string" ? undefined : MESSAGES.string;
    case "boolean":
      return typeof value === "boolean" ? undefined : MESSAGES.boolean;
    case "integer":
      return Number.isInteger(value) ? undefined : MESSAGES.integer;
    case "float":
      return typeof value === "number" && Number.isFinite(value) ? undefined : MESSAGES.float;
    case "listOfEnum": {
      if (!Array.isArray(value)) return MESSAGES.list;
      const allowed = typeof field.values === "object" ? Object.keys(field.values) : undefined;
      return allowed && value.some((v) => !allowed.includes(String(v))) ? MESSAGES.list : undefined;
    }
    default:
      return undefined;
  }
}
