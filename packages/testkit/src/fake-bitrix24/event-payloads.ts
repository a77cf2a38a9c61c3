/**
 * @module fake-bitrix24/event-payloads — the events the portal sends, shaped as Bitrix24 documents
 * them (`event`, `event_handler_id`, `data`, `ts`, `auth`), before the queue server encodes them.
 */
import type { FakeBitrix24State } from "./fake-state.js";
import type { PortalState } from "./portal-state.js";

/** How an event's `auth` is built. */
export interface EventAuthOptions {
  /** Triggered by automation, not a user: no `access_token` (so a handler must use its stored tokens). */
  automation?: boolean;
  /** Sends this `application_token` instead of the portal's (to prove the app refuses it). */
  applicationToken?: string;
  /** The user who triggered the event (default 1). */
  userId?: number;
}

/** The portal-level fields every `auth` block carries. */
export function portalAuth(portal: PortalState, baseUrl: string): Record<string, unknown> {
  return {
    domain: portal.domain,
    server_endpoint: `${baseUrl}/rest/`,
    client_endpoint: `${baseUrl}/rest/`,
    member_id: portal.memberId,
  };
}

/** The `auth` block of a user's event: a fresh access token unless automation triggered it. */
export function eventAuth(
  state: FakeBitrix24State,
  portal: PortalState,
  baseUrl: string,
  options: EventAuthOptions = {},
): Record<string, unknown> {
  const userId = options.userId ?? 1;
  const access = options.automation ? null : state.tokens.issueAccess({ memberId: portal.memberId, userId });
  return {
    ...(access ? { access_token: access.accessToken, expires: access.expires, expires_in: access.expiresIn } : {}),
    scope: portal.scope.join(","),
    domain: portal.domain,
    server_endpoint: `${baseUrl}/rest/`,
    status: portal.status,
    client_endpoint: `${baseUrl}/rest/`,
    member_id: portal.memberId,
    user_id: userId,
    application_token: options.applicationToken ?? portal.applicationToken ?? "",
  };
}

/** A whole event payload. */
export function eventPayload(
  state: FakeBitrix24State,
  event: string,
  handlerId: number | null,
  data: unknown,
  auth: Record<string, unknown>,
): Record<string, unknown> {
  return {
    event,
    ...(handlerId !== null ? { event_handler_id: handlerId } : {}),
    data,
    ts: Math.floor(state.clock() / 1000),
    auth,
  };
}

/** A human size like Bitrix24's `sizef` ("12.5 KB"). */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
