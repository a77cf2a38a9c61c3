/**
 * @module events — the events Bitrix24 posts to us: parsing, schemas, authenticity.
 */
export { EventInputError } from "./event-input-error.js";
export { EVENT_FORM_LIMITS, parseEventForm } from "./parse-form.js";
export { parseEvent, type UnsupportedEvent } from "./parse-event.js";
export { isPortalsApplicationToken } from "./application-token.js";
export type {
  Bitrix24Event,
  InstallEvent,
  UninstallEvent,
  MessageAddEvent,
  MessageUpdateEvent,
  MessageDeleteEvent,
  StatusDeleteEvent,
  LineDeleteEvent,
  OperatorFile,
} from "./schemas.js";
