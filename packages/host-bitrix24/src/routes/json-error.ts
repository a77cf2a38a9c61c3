/**
 * @module routes/json-error — the `{code, message}` answer every refused Bitrix24 request gets.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Answers `{code, message}` with a 4xx (never a secret in `message`). */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ code, message }, status);
}
