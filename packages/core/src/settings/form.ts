/**
 * @module settings/form — how a gateway declares its settings form, and its JSON shape on the wire (§5.4).
 */
import { translate, translateOptional, type Language, type Text } from "../i18n.js";

/** Field types of the SalesRender form component that gateways use. */
export type FieldType =
  "string" | "password" | "boolean" | "integer" | "float" | "markdown" | "markdownPreview" | "listOfEnum";

/** A value as stored in settings data. */
export type FieldValue = unknown;

/** One field of a settings group. */
export interface FieldDefinition {
  type: FieldType;
  title: Text;
  description?: Text;
  default?: FieldValue;
  /** A missing or empty value is a validation error. */
  required?: boolean;
  /** For `string`: a textarea instead of one line. */
  multiline?: boolean;
  /** For `markdownPreview`: name of the previewer under `/protected/preview/markdown/:name`. */
  previewer?: string;
  /** For `listOfEnum`: static values, or the name of an autocomplete. */
  values?: Record<string, { title: Text; group?: Text }> | string;
  limit?: { min: number | null; max: number | null };
  /** Extra checks; returns messages for this field (none = valid). `data` is the whole form data. */
  validate?: (value: FieldValue, data: SettingsData) => Text[] | Text | undefined;
}

/** A titled group of fields. */
export interface GroupDefinition {
  title: Text;
  description?: Text;
  fields: Record<string, FieldDefinition>;
  dependencies?: Record<string, string[]>;
}

/** A whole settings form, as a gateway declares it. */
export interface SettingsForm {
  title: Text;
  description?: Text;
  groups: Record<string, GroupDefinition>;
  button?: Text;
}

/** Settings data: `{group: {field: value}}`. */
export type SettingsData = Record<string, Record<string, FieldValue>>;

/** The value type a field of type `T` holds once settings are saved. */
type ValueOfType<T> = T extends "boolean"
  ? boolean
  : T extends "integer" | "float"
    ? number
    : T extends "listOfEnum"
      ? string[]
      : string;

type FieldsOf<G> = G extends { fields: infer F } ? F : never;
/** Names of a group's fields that hold data (a markdown preview holds none). */
type DataFields<F> = { [K in keyof F]: F[K] extends { type: "markdownPreview" } ? never : K }[keyof F];
type RequiredFields<F> = { [K in DataFields<F>]: F[K] extends { required: true } ? K : never }[DataFields<F>];

/** A saved group: required fields always hold a value; the others may be null. */
type GroupValues<F> = { [K in RequiredFields<F>]: F[K] extends { type: infer T } ? ValueOfType<T> : never } & {
  [K in Exclude<DataFields<F>, RequiredFields<F>>]: (F[K] extends { type: infer T } ? ValueOfType<T> : never) | null;
};

/**
 * The settings type a form declares: every group is absent until the settings are first saved,
 * then holds every field. Declare the form with {@link defineSettingsForm} so its field types are literal.
 */
export type SettingsOf<F> = F extends { groups: infer G }
  ? string extends keyof G
    ? SettingsData
    : {
        -readonly [K in keyof G]?: {
          -readonly [P in keyof GroupValues<FieldsOf<G[K]>>]: GroupValues<FieldsOf<G[K]>>[P];
        };
      }
  : SettingsData;

/** Declares a settings form, keeping its literal field types so `SettingsOf<typeof form>` is exact. */
export function defineSettingsForm<const F extends SettingsForm>(form: F): F {
  return form;
}

/** The button's text when a form names none. */
export const DEFAULT_BUTTON: Text = { en_US: "Save", ru_RU: "Сохранить" };

/** The form definition as the CRM expects it, in one language. */
export function renderForm(form: SettingsForm, language: Language): unknown {
  const groups: Record<string, unknown> = {};
  for (const [groupName, group] of Object.entries(form.groups)) {
    const fields: Record<string, unknown> = {};
    for (const [fieldName, field] of Object.entries(group.fields)) {
      fields[fieldName] = renderField(field, language);
    }
    const deps = group.dependencies ?? {};
    groups[groupName] = {
      title: translate(group.title, language),
      description: translateOptional(group.description, language),
      fields,
      // PHP serialises an empty array as [] — keep that on the wire.
      dependencies: Object.keys(deps).length ? deps : [],
    };
  }
  return {
    title: translate(form.title, language),
    description: translateOptional(form.description, language),
    groups,
    button: translate(form.button ?? DEFAULT_BUTTON, language),
  };
}

function renderField(field: FieldDefinition, language: Language): Record<string, unknown> {
  const out: Record<string, unknown> = {
    title: translate(field.title, language),
    description: translateOptional(field.description, language),
    definition: field.type,
    default: field.default ?? (field.type === "listOfEnum" ? [] : null),
    context: [],
  };
  if (field.type === "string") out.multiline = field.multiline ?? false;
  if (field.type === "markdownPreview") out.previewer = field.previewer ?? null;
  if (field.type === "listOfEnum") {
    const limit = field.limit;
    out.limit = limit && (limit.min != null || limit.max != null) ? limit : null;
    out.values =
      typeof field.values === "string"
        ? field.values
        : Object.fromEntries(
            Object.entries(field.values ?? {}).map(([k, v]) => [
              k,
              { title: translate(v.title, language), group: translateOptional(v.group, language) },
            ]),
          );
  }
  return out;
}

/** Names of the password fields, as `[group, field]` pairs. */
export function passwordFields(form: SettingsForm): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [g, group] of Object.entries(form.groups)) {
    for (const [f, field] of Object.entries(group.fields)) if (field.type === "password") out.push([g, f]);
  }
  return out;
}
