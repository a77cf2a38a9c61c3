/**
 * @module events/event-input-error — an event body we cannot read.
 */
import { SwitchboardError } from "@switchboard/core";

/** A Bitrix24 event body that is not a well-formed event (bad form, limits exceeded, wrong shape): answered 400, never retried. */
export class EventInputError extends SwitchboardError {
  readonly retryable = false;
}
