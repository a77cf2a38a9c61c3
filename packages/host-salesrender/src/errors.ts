/**
 * @module errors — the SalesRender host's own failures.
 */
import { SwitchboardError } from "@switchboard/core";

/** A request for a tenant with no registration (yet): kept and retried, a registration may come. */
export class NotRegisteredError extends SwitchboardError {
  readonly retryable = true;
}
