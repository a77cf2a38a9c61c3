/**
 * @module http/errors — every failure becomes `{code, message}` JSON; nothing else leaks out.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { isStorageUnavailable } from "../db/storage-health.js";
import { HttpError, SettingsValidationError } from "../errors.js";
import { DEFAULT_LANGUAGE, translate, type Language } from "../i18n.js";
import { BodyTooLargeError } from "./bounded-body.js";

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
    // An unread body cannot be skipped on a kept-alive connection: close it after a 413. The
    // bounded reader handles its own (it drains the rest briefly so the client reads the answer).
    if (
      (error instanceof HttpError || error instanceof HTTPException) &&
      error.status === 413 &&
      !(error instanceof BodyTooLargeError)
    ) {
      c.header("connection", "close");
    }
    if (error instanceof HttpError) return c.json(error.toJSON(), error.status as 400);
    if (error instanceof SettingsValidationError) {
      const language = (c.get("language") as Language | undefined) ?? DEFAULT_LANGUAGE;
      return c.json(translateErrors(error.errors, language), 400);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const message = status === 413 ? "Request body is too large" : error.message || "Bad request";
      return c.json({ code: status, message }, status);
    }
    logger.error({ event: "http.unhandled", err: error, path: c.req.path }, "unhandled error");
    if (debug) {
      return c.json({ code: 500, message: error.message, name: error.name, trace: error.stack ?? null }, 500);
    }
    return c.json({ code: 500, message: "Internal plugin error" }, 500);
  };
}

function translateErrors(errors: SettingsValidationError["errors"], language: Language) {
  return Object.fromEntries(
    Object.entries(errors).map(([group, fields]) => [
      group,
      Object.fromEntries(
        Object.entries(fields).map(([field, texts]) => [field, texts.map((t) => translate(t, language))]),
      ),
    ]),
  );
}
