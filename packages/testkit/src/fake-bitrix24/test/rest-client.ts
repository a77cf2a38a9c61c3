/**
 * @module fake-bitrix24/test/rest-client — the plainest possible REST caller for the fake's tests:
 * JSON or bracket-form bodies, `auth` in the body or the query string.
 */
import { buildBracketForm } from "../form-codec.js";

/** An answer: HTTP status and parsed JSON body. */
export interface RestAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** How to send a call. */
export interface CallOptions {
  /** `json` (default) or `form` (PHP brackets). */
  as?: "json" | "form";
  /** Put `auth` in the `body` (default) or the `query`. */
  authIn?: "body" | "query";
  /** Append `.json` to the method. */
  suffix?: boolean;
}

/** Calls `<restUrl><method>` with `auth` (omitted when undefined). */
export async function callRest(
  restUrl: string,
  method: string,
  params: Record<string, unknown>,
  auth: string | undefined,
  options: CallOptions = {},
): Promise<RestAnswer> {
  const inQuery = options.authIn === "query" && auth !== undefined;
  const all = auth !== undefined && !inQuery ? { ...params, auth } : params;
  const url = `${restUrl}${method}${options.suffix ? ".json" : ""}${inQuery ? `?auth=${encodeURIComponent(auth)}` : ""}`;
  const form = options.as === "form";
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json" },
    body: form ? buildBracketForm(all) : JSON.stringify(all),
  });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}
