/**
 * @module host/host-context — what the Bitrix24 host's routes and delivery share: core's ports, the
 * host's stores, the REST client with its token keeper, and the connector's ID.
 */
import type { Bitrix24Rest } from "../bitrix24-rest.js";
import type { OAuthClient } from "../oauth/token-endpoint.js";
import type { LineStore } from "../store/line-store.js";
import type { PortalStore } from "../store/portal-store.js";
import type { HostPorts, LineTenant } from "./ports.js";

/** The running host's parts. */
export interface HostContext {
  ports: HostPorts;
  portals: PortalStore;
  lines: LineStore;
  rest: Bitrix24Rest;
  /** Our app at the OAuth server (an install's tokens are proven there before they are stored). */
  oauth: OAuthClient;
  /** `switchboard_<gateway name>`. */
  connector: string;
  now: () => number;
}

/** The tenant key of a portal's Open Line: `<member_id>/<line>`, the member id URI-encoded so no two lines share a key. */
export function lineKey(memberId: string, line: number): string {
  return `${encodeURIComponent(memberId)}/${line}`;
}

/** The portal and line a tenant key names, or undefined for a key that is not a line's. */
export function parseLineKey(key: string): { memberId: string; line: number } | undefined {
  const slash = key.lastIndexOf("/");
  if (slash <= 0) return undefined;
  const line = Number(key.slice(slash + 1));
  if (!Number.isSafeInteger(line) || line < 0) return undefined;
  try {
    return { memberId: decodeURIComponent(key.slice(0, slash)), line };
  } catch {
    return undefined;
  }
}

/** The tenant of a portal's line, created (with its `bitrix24_lines` row) the first time. */
export async function openLine(host: HostContext, memberId: string, line: number): Promise<LineTenant> {
  const tenant = await host.ports.tenants.open(lineKey(memberId, line));
  await host.lines.ensure(tenant.id, memberId, line);
  return tenant;
}
