/**
 * @module inbox/protocol-events — each protocol call (registration, settings, send, incoming,
 * status…) as the events panel shows it: decoded token claims, the answer, and no secret (HPTs,
 * bot tokens, auth tokens, passwords and raw JWTs are masked).
 */
import type { CrmEvent } from "@switchboard/testkit";
import { channelOf, type Channel } from "../channels.js";
import { CHANNELS } from "../gateways/list.js";

/** One protocol call for the events panel. */
export interface ProtocolEvent {
  seq: number;
  at: number;
  direction: CrmEvent["direction"];
  kind: CrmEvent["kind"];
  channel: Channel | null;
  method: string;
  /** Path of the call, without scheme and host. */
  path: string;
  status: number;
  claims: unknown;
  /** The JSON body where it is not just a token (settings). */
  body: unknown;
  response: unknown;
  error: string | null;
}

const SECRET_KEYS = /^(hpt|password|authtoken|auth_token|bottoken|token|secret|secret_token|registration|request)$/i;

/** Replaces the values of secret-looking keys (at any depth) with a mask. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => [
      key,
      SECRET_KEYS.test(key) && (typeof v === "string" || typeof v === "number") ? "•••" : maskSecrets(v, depth + 1),
    ]),
  );
}

/** The panel's view of a simulator event. */
export function toProtocolEvent(event: CrmEvent, channelOfUrl: (url: string) => Channel | undefined): ProtocolEvent {
  let path = event.url;
  try {
    const url = new URL(event.url);
    path = url.pathname + url.search;
  } catch {
    // Not a URL: keep it as it is.
  }
  const claimsRef = readRef(event.claims);
  return {
    seq: event.seq,
    at: event.at,
    direction: event.direction,
    kind: event.kind,
    channel: channelOf(event.ref, CHANNELS) ?? channelOf(claimsRef, CHANNELS) ?? channelOfUrl(event.url) ?? null,
    method: event.method,
    path,
    status: event.status,
    claims: maskSecrets(event.claims ?? null),
    body: event.kind === "settings-put" ? maskSecrets(event.requestBody ?? null) : null,
    response: maskSecrets(event.responseBody ?? null),
    error: event.error ?? null,
  };
}

/** The plugin reference in a gateway's token claims (`plugin: {alias, id}`, `cid`), if any. */
function readRef(claims: Record<string, unknown> | undefined) {
  const plugin = claims?.plugin as { alias?: unknown; id?: unknown } | undefined;
  if (typeof plugin?.alias !== "string") return undefined;
  return { companyId: String(claims?.cid ?? ""), pluginAlias: plugin.alias, pluginId: String(plugin.id ?? "") };
}
