/**
 * @module events/parse-event — a raw event body to one typed event, or a clear refusal.
 */
import { EventInputError } from "./event-input-error.js";
import { parseEventForm } from "./parse-form.js";
import { EVENT_SCHEMAS, type Bitrix24Event } from "./schemas.js";

/** An event whose name we do not handle (we bind only ours, but a portal may still send others). */
export interface UnsupportedEvent {
  event: "unsupported";
  name: string;
  memberId: string | undefined;
}

/**
 * Parses a form-encoded event body. Returns the typed event, or `unsupported` for a well-formed
 * event we do not handle; throws `EventInputError` (answer 400) when the body is not an event or an
 * event we handle has the wrong shape. Event names are matched case-insensitively: the docs write
 * `onAppUninstall` in prose and `ONAPPUNINSTALL` on the wire.
 */
export function parseEvent(body: string): Bitrix24Event | UnsupportedEvent {
  const form = parseEventForm(body);
  const name = form.event;
  if (typeof name !== "string" || name === "") throw new EventInputError("The body has no event name");
  const upper = name.toUpperCase();
  const schema = EVENT_SCHEMAS.get(upper);
  if (!schema) {
    const auth = form.auth;
    const memberId =
      auth !== null && typeof auth === "object" && typeof (auth as Record<string, unknown>).member_id === "string"
        ? ((auth as Record<string, unknown>).member_id as string)
        : undefined;
    return { event: "unsupported", name: upper.slice(0, 100), memberId };
  }
  const parsed = schema.safeParse({ ...form, event: upper });
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`)
      .join("; ");
    throw new EventInputError(`${upper} is not well-formed: ${where}`);
  }
  return parsed.data as Bitrix24Event;
}
