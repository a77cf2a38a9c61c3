/**
 * @module settings/parse-page-form — the settings page's POST back into the settings input that
 * `checkSettings` takes, so the page and the JSON route share one validation.
 */
import type { FieldDefinition, SettingsForm } from "./form.js";
import { settingsInputName, settingsListInputName } from "./page-input-names.js";

/**
 * Reads the fields of `form` from the page's form-encoded body: an absent checkbox is false, a
 * number that parses is a number (any other text is kept so validation names it), an empty
 * password is left out so the stored one is kept (as the JSON route does with an omitted one),
 * and names the form does not define are ignored.
 */
export function parseSettingsForm(form: SettingsForm, body: URLSearchParams): Record<string, Record<string, unknown>> {
  // fromEntries defines own properties, so even a group named `__proto__` stays a plain key.
  return Object.fromEntries(
    Object.entries(form.groups).map(([groupName, group]) => [
      groupName,
      Object.fromEntries(
        Object.entries(group.fields).flatMap(([fieldName, field]): Array<[string, unknown]> => {
          const value = readField(field, groupName, fieldName, body);
          return value === undefined ? [] : [[fieldName, value]];
        }),
      ),
    ]),
  );
}

function readField(field: FieldDefinition, group: string, name: string, body: URLSearchParams): unknown {
  const text = body.get(settingsInputName(group, name));
  switch (field.type) {
    case "markdownPreview":
      return undefined;
    case "boolean":
      return text !== null;
    case "password":
      return text === null || text === "" ? undefined : text;
    case "integer":
    case "float":
      return readNumber(text);
    case "listOfEnum":
      if (typeof field.values === "string") return splitList(text ?? "");
      return inDeclaredOrder(body.getAll(settingsListInputName(group, name)), Object.keys(field.values ?? {}));
    default:
      // Browsers send a textarea's line breaks as CRLF; the JSON route's data has plain LF.
      return text === null ? undefined : text.replace(/\r\n?/g, "\n");
  }
}

function readNumber(text: string | null): unknown {
  if (text === null) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : text;
}

// The page may draw values grouped under headings; the saved list follows the form's order instead.
function inDeclaredOrder(ticked: string[], declared: string[]): string[] {
  const rank = (value: string) => {
    const index = declared.indexOf(value);
    return index === -1 ? declared.length : index; // unknown values last, for validation to name
  };
  return ticked
    .map((value, at) => ({ value, at }))
    .sort((a, b) => rank(a.value) - rank(b.value) || a.at - b.at)
    .map((e) => e.value);
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}
