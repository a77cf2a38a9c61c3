/**
 * @module rest/batch — several calls to one portal in one request (b24restdocs
 * `how-to-call-rest-api/batch.md`): at most 50 commands, each `method?query` with its parameters
 * URL-encoded in PHP bracket form, answered per key in `result` / `result_error`. The portal's
 * request counter goes up by one for the whole batch (`limits.md`).
 */
import { InvalidInputError } from "@switchboard/core";
import qs from "qs";
import { PortalRefusedError } from "./errors.js";
import type { Bitrix24RestClient, CallOptions, RestTime } from "./rest-client.js";

/** The most commands one batch takes. */
export const BATCH_LIMIT = 50;

/** One command of a batch. */
export interface BatchCall {
  method: string;
  params?: Record<string, unknown>;
}

/** What one command of a batch did. */
export type BatchOutcome<T = unknown> =
  { ok: true; result: T; time: RestTime | undefined } | { ok: false; error: PortalRefusedError };

/** The `cmd` entry of one call: `method?query`, the query in PHP bracket form. */
export function batchCommand(call: BatchCall): string {
  const query = qs.stringify(call.params ?? {}, { arrayFormat: "indices", encodeValuesOnly: false });
  return query ? `${call.method}?${query}` : call.method;
}

function entriesOf(value: unknown): Map<string, unknown> {
  if (Array.isArray(value)) return new Map(value.map((v, i) => [String(i), v]));
  if (value && typeof value === "object") return new Map(Object.entries(value));
  return new Map();
}

/**
 * Runs up to {@link BATCH_LIMIT} calls in one request, keyed as given. With `halt`, the portal stops
 * at the first failing command; the ones it never ran are reported as not run (retryable), so no
 * call is taken for done without an answer.
 */
export async function batch(
  client: Bitrix24RestClient,
  memberId: string,
  calls: ReadonlyMap<string, BatchCall> | Record<string, BatchCall>,
  options: CallOptions & { halt?: boolean } = {},
): Promise<Map<string, BatchOutcome>> {
  const entries = calls instanceof Map ? [...calls.entries()] : Object.entries(calls);
  if (entries.length === 0) return new Map();
  if (entries.length > BATCH_LIMIT)
    throw new InvalidInputError(`A batch takes at most ${BATCH_LIMIT} calls, not ${entries.length}`);
  const cmd = Object.fromEntries(entries.map(([key, call]) => [key, batchCommand(call)]));
  const answer = await client.call<Record<string, unknown>>(
    memberId,
    "batch",
    { halt: options.halt ? 1 : 0, cmd },
    options,
  );
  const result = entriesOf(answer.result?.result);
  const errors = entriesOf(answer.result?.result_error);
  const times = entriesOf(answer.result?.result_time);
  const out = new Map<string, BatchOutcome>();
  for (const [key, call] of entries) {
    if (errors.has(key)) {
      const error = errors.get(key) as { error?: unknown; error_description?: unknown } | undefined;
      const code = typeof error?.error === "string" ? error.error : "UNKNOWN";
      const description = typeof error?.error_description === "string" ? error.error_description : "";
      out.set(key, {
        ok: false,
        error: new PortalRefusedError(
          `Bitrix24 ${call.method} refused: ${code}${description ? ` (${description})` : ""}`,
          {
            code,
            status: 400,
          },
        ),
      });
    } else if (result.has(key)) {
      out.set(key, { ok: true, result: result.get(key), time: times.get(key) as RestTime | undefined });
    } else {
      out.set(key, {
        ok: false,
        error: new PortalRefusedError(`Bitrix24 ${call.method} was not run (the batch stopped earlier)`, {
          code: "NOT_RUN",
          status: 0,
          retryable: true,
        }),
      });
    }
  }
  return out;
}
