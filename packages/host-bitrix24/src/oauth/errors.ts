/**
 * @module oauth/errors — how getting a portal's tokens failed. Codes: b24restdocs
 * `settings/oauth/error-codes.md` (`invalid_request`, `invalid_client`, `invalid_grant`,
 * `insufficient_scope`) and `settings/oauth/auto-renewal.md` (`PAYMENT_REQUIRED`).
 */
import { SwitchboardError } from "@switchboard/core";

/**
 * The portal's refresh token is dead (expired after 180 days unused, already spent, the app
 * reinstalled): nothing but a new authorisation (reinstall, or the OAuth code flow) brings the
 * portal back. A retry succeeds once it is re-authorised, so the portal's queued work waits for
 * that instead of being dropped.
 */
export class NeedsReauthorisationError extends SwitchboardError {
  readonly retryable = true;
  /** Callers park the portal's work until it is re-authorised rather than retrying on a timer. */
  readonly waitsForReauthorisation = true;
  constructor(
    readonly memberId: string,
    message = `Bitrix24 portal ${memberId} needs to be re-authorised (its refresh token is no longer valid)`,
  ) {
    super(message);
  }
}

/** The OAuth server refused for another reason: `invalid_client` (our id or secret), `PAYMENT_REQUIRED` (the app's subscription). */
export class OAuthRefusedError extends SwitchboardError {
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    // A lapsed payment can be made good; a wrong client id or secret is ours to fix.
    this.retryable = code === "PAYMENT_REQUIRED" || status >= 500;
  }
}

/** No readable answer from the OAuth server (network, deadline, an outage page): retry. */
export class OAuthUnreachableError extends SwitchboardError {
  readonly retryable = true;
}
