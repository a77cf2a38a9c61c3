/**
 * @module fake-bitrix24/form-codec — PHP bracket forms (`MESSAGES[0][user][id]=…`), the way Bitrix24
 * reads REST bodies and writes the events its queue server posts, through the `qs` library.
 */
import qs from "qs";

/** A decoded bracket form or JSON body: nested plain objects, arrays and scalar leaves. */
export type FormValue = string | number | boolean | null | FormValue[] | { [key: string]: FormValue };

/** A decoded body: the top level is always an object. */
export type FormObject = { [key: string]: FormValue };

// A batch of 50 messages with files nests five levels deep (MESSAGES[i][message][files][j][url]);
// the limits leave room for that and still refuse absurd bodies.
const PARSE_OPTIONS = { depth: 8, arrayLimit: 1000, parameterLimit: 20_000, allowPrototypes: false } as const;

/** Parses an `application/x-www-form-urlencoded` body with PHP bracket keys into nested objects. */
export function parseBracketForm(text: string): FormObject {
  return qs.parse(text, PARSE_OPTIONS) as FormObject;
}

/**
 * Builds a bracket form as PHP's `http_build_query` does (what Bitrix24's queue server posts):
 * indexed brackets for arrays, `true`/`false` as `1`/`0`, `null` and empty arrays left out.
 */
export function buildBracketForm(value: Record<string, unknown>): string {
  return qs.stringify(value, {
    arrayFormat: "indices",
    skipNulls: true,
    filter: (_prefix, v: unknown) => (typeof v === "boolean" ? (v ? "1" : "0") : v),
  });
}
