/**
 * @module web/problems — every error answer of the sandbox is `{code, message}` JSON.
 */
import type { Context } from "hono";

/** An error with the HTTP status to answer. */
export class HttpProblem extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 502 | 503,
    message: string,
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

/** The error answer for anything thrown in a route. */
export function problemResponse(error: unknown, c: Context): Response {
  if (error instanceof HttpProblem) return c.json({ code: error.status, message: error.message }, error.status);
  const status =
    typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : 500;
  const known = status >= 400 && status < 600 && status !== 500;
  const message =
    error instanceof Error && known ? error.message : "Something went wrong in the sandbox; see its console";
  if (!known) console.error("[sandbox]", error);
  return c.json({ code: status, message }, status as 500);
}

/** Reads a JSON object body, or fails with 400. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const body: unknown = await c.req.json().catch(() => undefined);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpProblem(400, "The body must be a JSON object");
  return body as Record<string, unknown>;
}

/** Reads a multipart or urlencoded form, or fails with 400. */
export async function readForm(c: Context): Promise<Record<string, unknown>> {
  try {
    return (await c.req.parseBody()) as Record<string, unknown>;
  } catch {
    throw new HttpProblem(400, "The body must be a form (multipart/form-data)");
  }
}

/** A form or JSON field as text, trimmed unless `keepSpaces` ("" when absent). */
export function text(value: unknown, max = 10_000, keepSpaces = false): string {
  if (typeof value !== "string") return "";
  return (keepSpaces ? value.replace(/\s+$/, "") : value.trim()).slice(0, max);
}
