/**
 * @module fake-bitrix24/batch — the `batch` method: up to 50 sub-calls written as `method?query`
 * strings, each run as its own method (own faults, own operating time), answered per key in
 * `result` / `result_error` / `result_time`, optionally halting at the first error.
 */
import qs from "qs";
import type { FormObject, FormValue } from "./form-codec.js";
import { parseBracketForm } from "./form-codec.js";
import { flag, isList, param } from "./params.js";
import { RestError, missingArgument } from "./rest-error.js";
import { timeInfo } from "./time-info.js";
import type { MethodOutcome } from "./method-runner.js";
import type { Clock } from "./clock.js";

/** The most sub-calls one batch runs. */
export const BATCH_LIMIT = 50;

/** Runs one sub-call; the batch records and answers it. */
export type SubCall = (key: string, method: string, params: FormObject) => Promise<MethodOutcome>;

// PHP's json_encode writes an array with keys 0..n-1 as a JSON list and anything else as an object.
function phpArray(entries: Array<[string, unknown]>): unknown {
  if (entries.every(([key], i) => key === String(i))) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

/** The sub-calls of `cmd` as `[key, "method?query"]`, in order. */
function commands(params: FormObject): Array<[string, string]> {
  const cmd = param(params, "cmd");
  if (!isList(cmd)) throw missingArgument("cmd");
  const pairs: Array<[string, FormValue]> = Array.isArray(cmd)
    ? cmd.map((v, i) => [String(i), v])
    : Object.entries(cmd);
  if (pairs.length === 0) throw missingArgument("cmd");
  return pairs.map(([k, v]) => [k, typeof v === "string" ? v : ""]);
}

/** Runs a batch and returns its `result`. */
export async function runBatch(params: FormObject, clock: Clock, run: SubCall): Promise<unknown> {
  const halt = flag(param(params, "halt"), false);
  const results: Array<[string, unknown]> = [];
  const errors: Array<[string, unknown]> = [];
  const times: Array<[string, unknown]> = [];
  let index = 0;
  for (const [key, command] of commands(params)) {
    index += 1;
    const started = clock();
    let outcome: MethodOutcome;
    if (index > BATCH_LIMIT) {
      outcome = { ok: false, error: new RestError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded") };
    } else {
      const q = command.indexOf("?");
      const method = (q < 0 ? command : command.slice(0, q))
        .trim()
        .toLowerCase()
        .replace(/\.json$/, "");
      const query = q < 0 ? "" : command.slice(q + 1);
      if (method === "batch") {
        outcome = {
          ok: false,
          error: new RestError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"),
        };
      } else {
        outcome = await run(key, method, parseBracketForm(query));
      }
    }
    if (outcome.ok) {
      results.push([key, outcome.result]);
      times.push([key, timeInfo(started, clock(), outcome.operating)]);
    } else {
      errors.push([key, outcome.error.body()]);
      if (halt) break;
    }
  }
  return {
    result: phpArray(results),
    result_error: phpArray(errors),
    result_total: [],
    result_next: [],
    result_time: phpArray(times),
  };
}

/** Builds one `cmd` entry (`method?query`) from a method and its params, as SDKs do. */
export function batchCommand(method: string, params: Record<string, unknown> = {}): string {
  const query = qs.stringify(params, { arrayFormat: "indices" });
  return query ? `${method}?${query}` : method;
}
