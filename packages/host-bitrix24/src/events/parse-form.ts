/**
 * @module events/parse-form — Bitrix24's event bodies: `application/x-www-form-urlencoded` with PHP
 * bracket keys (`data[MESSAGES][0][im][chat_id]=49`), as the queue server posts them
 * (b24-rest-docs#257 shows a raw body; the JSON in the docs is only a rendering).
 */
import qs from "qs";
import { EventInputError } from "./event-input-error.js";

/**
 * Limits of the form parser, sized for the events we take: the deepest key is an operator file's
 * field, `data[MESSAGES][0][message][files][0][link]` (5 brackets); a message event carries one
 * message in practice and at most a few dozen files; 2 000 parameters is far above any real event
 * and far below what would cost us memory. Beyond a limit the event is refused, not truncated:
 * half an event must never be taken for a whole one.
 */
export const EVENT_FORM_LIMITS = { depth: 6, arrayLimit: 100, parameterLimit: 2000 } as const;

/** Parses a form-encoded event body into nested plain (prototype-free) objects and arrays. */
export function parseEventForm(body: string): Record<string, unknown> {
  try {
    return qs.parse(body, {
      depth: EVENT_FORM_LIMITS.depth,
      strictDepth: true,
      arrayLimit: EVENT_FORM_LIMITS.arrayLimit,
      parameterLimit: EVENT_FORM_LIMITS.parameterLimit,
      throwOnLimitExceeded: true,
      // Keys such as `__proto__` or `hasOwnProperty` become ordinary keys of objects without a prototype.
      plainObjects: true,
      allowPrototypes: false,
      allowDots: false,
      comma: false,
      charset: "utf-8",
    }) as Record<string, unknown>;
  } catch (error) {
    throw new EventInputError(`The event body is not a form we accept: ${(error as Error).message}`, { cause: error });
  }
}
