/**
 * @module rest/errors — how a call to a Bitrix24 portal failed, each saying whether a retry helps.
 * Codes and statuses: b24restdocs `_includes/system-errors.md` (system errors of every method) and
 * the method pages (`ERROR_ARGUMENT`, `NOT_ACTIVE_LINE`, `IMCONNECTOR_*`).
 */
import { SwitchboardError } from "@switchboard/core";

/** Codes that a retry of the same call cannot fix: our call or the app's rights are wrong. */
const PERMANENT = new Set([
  "ERROR_ARGUMENT",
  "WRONG_AUTH_TYPE",
  "insufficient_scope",
  "invalid_scope",
  "ERROR_METHOD_NOT_FOUND",
  "ACCESS_DENIED",
  "ACCESS_ERROR",
  "PORTAL_DELETED",
  "user_access_error",
  "NO_AUTH_FOUND",
  "INVALID_REQUEST",
  "INVALID_CREDENTIALS",
  "ERROR_BATCH_LENGTH_EXCEEDED",
  "ERROR_BATCH_METHOD_NOT_ALLOWED",
]);
/**
 * Codes that say "later": the portal's limits, its own failures, a manual block, a token that
 * expired again after the call's one refresh (under load it can; the next attempt refreshes again),
 * and a line that is not active: an administrator can activate it, and a customer's message to it
 * waits in the outbox (until its age limit) rather than being dropped at once.
 */
const TRANSIENT = new Set([
  "expired_token",
  "NOT_ACTIVE_LINE",
  "QUERY_LIMIT_EXCEEDED",
  "OPERATION_TIME_LIMIT",
  "INTERNAL_SERVER_ERROR",
  "ERROR_UNEXPECTED_ANSWER",
  "OVERLOAD_LIMIT",
]);

/** Whether a portal's error code can clear up by itself; unknown codes go by the HTTP status (5xx: yes). */
export function isTransientCode(code: string, status: number): boolean {
  if (TRANSIENT.has(code)) return true;
  if (PERMANENT.has(code) || code.startsWith("IMCONNECTOR_") || code.startsWith("CONNECTOR_")) return false;
  return status >= 500;
}

/** The portal answered with `{error, error_description}`. */
export class PortalRefusedError extends SwitchboardError {
  readonly retryable: boolean;
  /** Bitrix's `error` code. */
  readonly code: string;
  readonly status: number;
  /** When the portal said (or its limits imply) how long to wait. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: { code: string; status: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable ?? isTransientCode(options.code, options.status);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The portal's limits refused the call (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`): retry after `retryAfterMs`. */
export class PortalRateLimitError extends PortalRefusedError {
  declare readonly retryAfterMs: number;
  constructor(message: string, options: { code: string; status: number; retryAfterMs: number }) {
    super(message, { ...options, retryable: true });
  }
}

/** No readable answer from the portal (network, deadline, an HTML error page, a 5xx without a body): retry. */
export class PortalUnreachableError extends SwitchboardError {
  readonly retryable = true;
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}
