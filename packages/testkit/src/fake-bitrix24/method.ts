/**
 * @module fake-bitrix24/method — the shape of one REST method of the fake portal.
 */
import type { FakeBitrix24State } from "./fake-state.js";
import type { FormObject } from "./form-codec.js";
import type { PortalState } from "./portal-state.js";
import type { RestError } from "./rest-error.js";
import type { Grant } from "./tokens.js";

/** What a method handler gets. */
export interface MethodContext {
  state: FakeBitrix24State;
  portal: PortalState;
  grant: Grant;
  params: FormObject;
  /** The fake's own base URL (no trailing slash). */
  baseUrl: string;
}

/** One REST method. */
export interface RestMethod {
  /** The scope the app needs (`insufficient_scope` without it); null for `basic` methods. */
  scope: string | null;
  /** Whether the method refuses calls through an incoming webhook (`WRONG_AUTH_TYPE`). */
  appOnly: boolean;
  /** The error an app-only method answers a webhook with, when not `WRONG_AUTH_TYPE`. */
  outsideApp?: () => RestError;
  /** Returns `result` (or a promise of it); throws a `RestError` to answer an error. */
  handle(context: MethodContext): unknown;
}
