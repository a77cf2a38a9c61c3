/**
 * @module http/errors — every failure becomes `{code, message}` JSON; nothing else leaks out.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { isStorageUnavailable } from "../db/storage-health.js";
import { HttpError, SettingsValidationError } from "../errors.js";

/** Seconds a client is asked to wait when the database refuses writes. */
const STORAGE_RETRY_AFTER_S = 5;

/** The `onError` handler: known errors answer themselves; anything else is a logged 500. */
export function errorHandler(logger: Logger, debug: boolean, onStorageUnavailable?: (error: Error) => void) {
  return (error: Error, c: Context): Response => {
    // Nothing was committed, so nothing was acknowledged: the caller retries (CRM, webhooks).
    if (isStorageUnavailable(error)) {
      onStorageUnavailable?.(error);
      c.header("retry-after", String(STORAGE_RETRY_AFTER_S));
      return c.json({ code: 503, message: "The database is busy or full; try again shortly" }, 503);
    }
    // An unread body cannot be skipped on a kept-alive connection: close it after a 413.
    if ((error instanceof HttpError || error instanceof HTTPException) && error.status === 413) {
      c.header("connection", "close");
    }
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
    if (type.includes("application/x-www-form-urlencoded")) {
      return Object.fromEntries(new URLSearchParams(await readText(c)));
    }
    if (type.includes("multipart/form-data")) {
      if (!c.req.header("content-length")) throw new HttpError(411, "Content-Length is required");
      return (await c.req.parseBody()) as Record<string, unknown>;
    }
    const text = await readText(c);
    if (text.trim() === "") return {};
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof HTTPException) throw error;
  }
  throw new HttpError(400, "Request body must be a JSON object");
}

/** Upper bound of a request body read by {@link readBody}. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Reads the body as text. On Node it reads the socket stream directly: going through
 * `c.req.text()` makes the adapter build a full WHATWG Request (with its AbortSignal) per request,
 * which costs more CPU than everything else on the send path.
 */
async function readText(c: Context): Promise<string> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableDidRead || typeof incoming.on !== "function") return c.req.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HTTPException(413, { message: "Request body is too large" });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
