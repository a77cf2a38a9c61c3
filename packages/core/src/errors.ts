/**
 * @module errors — failures named by where they happened, each saying whether a retry can help.
 */
import type { Text } from "./i18n.js";

/** Base class: every Switchboard error says whether retrying the same operation can succeed. */
export abstract class SwitchboardError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The channel's API answered and refused (Telegram `ok:false`, Twilio error, SMTP 5xx/4xx). */
export class ChannelRefusedError extends SwitchboardError {
  readonly retryable: boolean;
  /** Provider's own error code (Telegram error_code, Twilio code, SMTP reply code). */
  readonly code: string | number | undefined;
  /** When the provider told us how long to wait (Telegram retry_after, HTTP Retry-After). */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: { permanent: boolean; code?: string | number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.retryable = !options.permanent;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** We never got an answer from the channel's API (DNS, refused, reset, timeout): retry. */
export class ChannelNetworkError extends SwitchboardError {
  readonly retryable = true;
}

/** Our own input cannot be sent as it is (bad contact, unsupported attachment): never retry. */
export class InvalidInputError extends SwitchboardError {
  readonly retryable = false;
}

/** A tenant's stored files would exceed its quota (`SWITCHBOARD_TENANT_FILES_QUOTA_MB`): not stored, never retried. */
export class FileQuotaExceededError extends SwitchboardError {
  readonly retryable = false;
}

/** Fetching an attachment or other remote resource failed; `retryable` depends on why. */
export class FetchError extends SwitchboardError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  constructor(message: string, options: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

/**
 * The CRM host's API answered and refused a request of the outbox (an HTTP status it does not
 * take): `permanent` when it said never again (the request is dropped), else it is tried again.
 */
export class CrmRefusedError extends SwitchboardError {
  readonly retryable: boolean;
  /** The HTTP status the CRM answered, when it was one. */
  readonly status: number | undefined;
  /** The host's own error code (Bitrix24's `error`), when it gave one. */
  readonly code: string | undefined;
  /** When the CRM told us how long to wait. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: { permanent: boolean; status?: number; code?: string; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.retryable = !options.permanent;
    this.status = options.status;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** An error that is also an HTTP answer `{code, message}`; thrown by routes and middleware. */
export class HttpError extends SwitchboardError {
  readonly retryable = false;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** The JSON envelope every error answer uses. */
  toJSON(): { code: number; message: string } {
    return { code: this.status, message: this.message };
  }
}

/**
 * Per-field validation errors of a settings form: answered as 400 `{group: {field: [messages]}}`,
 * each message translated into the request's language.
 */
export class SettingsValidationError extends SwitchboardError {
  readonly retryable = false;
  constructor(readonly errors: Record<string, Record<string, Text[]>>) {
    super("Settings are not valid");
  }
}

/** True when retrying can help: Switchboard errors say so; anything unknown is assumed transient. */
export function isRetryable(error: unknown): boolean {
  return error instanceof SwitchboardError ? error.retryable : true;
}

/** A channel's webhook request that cannot be read (not a form, not an update): answered 400, never retried. */
export class WebhookInputError extends SwitchboardError {
  readonly retryable = false;
}
