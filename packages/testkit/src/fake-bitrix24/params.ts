/**
 * @module fake-bitrix24/params — reading method parameters the way PHP sees them, whether they came as
 * JSON (numbers, booleans) or as a bracket form (all strings); lookups by own property only.
 */
import type { FormObject, FormValue } from "./form-codec.js";
import { argumentNotArray, missingArgument } from "./rest-error.js";

/** Whether `value` is a plain object (a PHP associative array). */
export function isRecord(value: unknown): value is { [key: string]: FormValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property of an object, or undefined. */
export function field(value: unknown, key: string): FormValue | undefined {
  if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
  return value[key];
}

/** A parameter looked up case-insensitively, as Bitrix24 does for top-level method arguments. */
export function param(params: FormObject, name: string): FormValue | undefined {
  if (Object.hasOwn(params, name)) return params[name];
  const lower = name.toLowerCase();
  const key = Object.keys(params).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : params[key];
}

/** A scalar as a string; undefined for absent, empty, null or non-scalar values. */
export function text(value: FormValue | undefined): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** A required string argument (`ERROR_ARGUMENT` when null or empty). */
export function requiredText(params: FormObject, name: string): string {
  const value = text(param(params, name));
  if (value === undefined) throw missingArgument(name);
  return value;
}

/** An integer, or undefined when it does not parse. */
export function integer(value: FormValue | undefined): number | undefined {
  const s = text(value);
  return s !== undefined && /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

/** A required integer argument (`ERROR_ARGUMENT` when absent or not a number). */
export function requiredInteger(params: FormObject, name: string): number {
  const value = integer(param(params, name));
  if (value === undefined) throw missingArgument(name);
  return value;
}

/** A Bitrix24 boolean: `Y`/`N`, `1`/`0`, `true`/`false`; `fallback` when absent. */
export function flag(value: FormValue | undefined, fallback: boolean): boolean {
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value === "boolean") return value;
  const s = String(value).toLowerCase();
  if (s === "y" || s === "1" || s === "true") return true;
  if (s === "n" || s === "0" || s === "false") return false;
  return fallback;
}

/** Whether PHP would see an array (a JSON array or object, or bracket keys). */
export function isList(value: FormValue | undefined): value is FormValue[] | { [key: string]: FormValue } {
  return Array.isArray(value) || isRecord(value);
}

/** The elements of a PHP array, in order. */
export function elements(value: FormValue[] | { [key: string]: FormValue }): FormValue[] {
  return Array.isArray(value) ? value : Object.values(value);
}

/** A required array argument (`ERROR_ARGUMENT` when absent, or not an array). */
export function requiredList(params: FormObject, name: string): FormValue[] {
  const value = param(params, name);
  if (value === undefined || value === null || value === "") throw missingArgument(name);
  if (!isList(value)) throw argumentNotArray(name);
  const list = elements(value);
  if (list.length === 0) throw missingArgument(name);
  return list;
}
