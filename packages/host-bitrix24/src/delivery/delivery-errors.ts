/**
 * @module delivery/delivery-errors — why the outbox could not hand something to a portal.
 */
import { SwitchboardError } from "@switchboard/core";

/** The portal refused one message of a `send.messages` call (its element had `SUCCESS: false`): a retry sends the same. */
export class PortalRefusedMessageError extends SwitchboardError {
  readonly retryable = false;
}

/** The app was uninstalled from the portal (or never installed): nothing can be sent for it any more. */
export class PortalUninstalledError extends SwitchboardError {
  readonly retryable = false;
}

/** The request in the outbox is not one this host wrote (damaged or from another host): our input was bad. */
export class UnreadableOutboxRequestError extends SwitchboardError {
  readonly retryable = false;
}

/** An operator file link that is not on the portal's own origin (or not a URL): it is not fetched. */
export class OperatorFileLinkError extends SwitchboardError {
  readonly retryable = false;
}
