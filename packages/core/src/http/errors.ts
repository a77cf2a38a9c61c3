/**
 * @module http/errors — every failure becomes `{code, message}` JSON; nothing else leaks out.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { HttpError, SettingsValidationError } from "../errors.js";

/** The `onError` handler: known errors answer themselves; anything else is a logged 500. */
export function errorHandler(logger: Logger, debug: boolean) {
  return (error: Error, c: Context): Response => {
    if (error instanceof HttpError) return c.json(error.toJSON(), error.status as 400);
    if (error instanceof SettingsValidationError) return c.json(error.errors, 400);
    if (error instanceof HTTPException) {
      const status = error.status;
      const message = status === 413 ? "Request body is too large" : error.message || "Bad request";
      return c.json({ code: status, message }, status);
    }
    logger.error({ err: error, path: c.req.path }, "unhandled error");
    if (debug) {
      return c.json({ code: 500, message: error.message, name: error.name, trace: error.stack ?? null }, 500);
    }
    return c.json({ code: 500, message: "Internal plugin error" }, 500);
  };
}

/** Reads a JSON or form body as an object; malformed bodies are a 400, not a crash. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  try {
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      return (await c.req.parseBody()) as Record<string, unknown>;
    }
    const text = await c.req.text();
    if (text.trim() === "") return {};
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof HTTPException) throw error;
  }
  throw new HttpError(400, "Request body must be a JSON object");
}
