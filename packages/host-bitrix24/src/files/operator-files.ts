/**
 * @module files/operator-files — serves an operator's attachment behind our signed link: the
 * channel (or the customer) downloads from us, we fetch the file from the portal. Only links on
 * the portal's own origin are fetched, through core's guarded request with a total deadline.
 */
import { FetchError, guardedRequest } from "@switchboard/core";
import { Readable } from "node:stream";
import type { HostContext } from "../host/host-context.js";
import { parseLineKey } from "../host/host-context.js";
import type { LineTenant } from "../host/ports.js";
import {
  OperatorFileLinkError,
  PortalUninstalledError,
  UnreadableOutboxRequestError,
} from "../delivery/delivery-errors.js";

/** Total time one file may take to come from the portal. */
export const OPERATOR_FILE_DEADLINE_MS = 60_000;

/** What the file resolver answers (core's FileResponse). */
export interface OperatorFileResponse {
  body: ReadableStream<Uint8Array>;
  contentType?: string;
  fileName?: string;
  size?: number;
}

/** Opens the operator file `link` of the tenant's portal. */
export async function openOperatorFile(
  host: HostContext,
  tenant: LineTenant,
  link: string,
  options: { allowPrivate?: boolean } = {},
): Promise<OperatorFileResponse> {
  const target = parseLineKey(tenant.key);
  if (!target) throw new UnreadableOutboxRequestError(`Tenant ${tenant.id} is not a Bitrix24 Open Line`);
  const tokens = await host.portals.load(target.memberId);
  const info = await host.portals.info(target.memberId);
  if (!tokens || !info) throw new PortalUninstalledError(`The app is not installed in portal ${target.memberId}`);
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new OperatorFileLinkError("The operator file link is not a URL");
  }
  const portalOrigins = new Set([new URL(tokens.clientEndpoint).origin, `https://${info.domain}`]);
  if (!portalOrigins.has(url.origin)) throw new OperatorFileLinkError("The operator file is not on the portal");
  const res = await guardedRequest(url, {
    method: "GET",
    deadlineMs: OPERATOR_FILE_DEADLINE_MS,
    maxRedirects: 3,
    what: "Bitrix24 operator file",
    ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
  });
  if (res.status !== 200) {
    res.body.resume();
    throw new FetchError(`Bitrix24 operator file: the portal answered ${res.status}`, { retryable: res.status >= 500 });
  }
  const type = res.headers["content-type"];
  const length = Number(res.headers["content-length"]);
  return {
    body: Readable.toWeb(res.body) as ReadableStream<Uint8Array>,
    ...(typeof type === "string" ? { contentType: type } : {}),
    ...(Number.isSafeInteger(length) && length >= 0 ? { size: length } : {}),
  };
}
