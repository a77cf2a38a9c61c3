/**
 * @module host/create-host — the running Bitrix24 host built from core's ports and the host's
 * configuration: its stores, REST client, routes, outbox delivery and file resolver.
 */
import type { Database } from "@switchboard/core";
import type { Hono } from "hono";
import { createBitrix24Rest } from "../bitrix24-rest.js";
import { DEFAULT_REST_DEADLINE_MS } from "../rest/rest-client.js";
import { Bitrix24Delivery, type HostOutboxRequest } from "../delivery/deliver.js";
import type { Bitrix24Env } from "../env.js";
import { openOperatorFile, type OperatorFileResponse } from "../files/operator-files.js";
import { OPERATOR_FILE_KIND } from "../routes/events-handler.js";
import { bitrix24Routes } from "../routes/routes.js";
import { LineStore } from "../store/line-store.js";
import { PortalStore } from "../store/portal-store.js";
import type { Timers } from "../time/timers.js";
import { connectorId } from "./connector.js";
import { parseLineKey, type HostContext } from "./host-context.js";
import type { HostPorts, LineTenant } from "./ports.js";

/** What {@link createBitrix24Host} needs besides core's ports. */
export interface CreateHostOptions {
  ports: HostPorts;
  db: Database;
  env: Bitrix24Env;
  /** Loopback and private networks may be reached (tests, the sandbox). */
  allowPrivate?: boolean;
  timers?: Timers;
}

/** The running host. */
export interface Bitrix24HostParts {
  context: HostContext;
  routes: Hono;
  /** Delivers one outbox request; `requestId` is the same on every attempt of it. */
  deliver(request: HostOutboxRequest, tenant: LineTenant, requestId: string): Promise<void>;
  /** The outbox's concurrency group: the portal (its rate limit is per portal). */
  groupOf(tenant: LineTenant): string;
  files: Record<string, (tenant: LineTenant, key: string) => Promise<OperatorFileResponse>>;
}

/** Builds the host's parts once per process. */
export function createBitrix24Host(options: CreateHostOptions): Bitrix24HostParts {
  const now = options.timers?.now ?? Date.now;
  const portals = new PortalStore(options.db, options.ports.secrets, { now });
  const lines = new LineStore(options.db, { now });
  const rest = createBitrix24Rest(options.env, portals, {
    logger: options.ports.logger,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
  });
  const context: HostContext = {
    oauth: {
      oauthUrl: options.env.oauthUrl,
      clientId: options.env.clientId,
      clientSecret: options.env.clientSecret,
      deadlineMs: DEFAULT_REST_DEADLINE_MS,
      ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
    },
    ports: options.ports,
    portals,
    lines,
    rest,
    connector: connectorId(options.ports.gateway.name),
    now,
  };
  const delivery = new Bitrix24Delivery(context);
  const fileOptions = options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {};
  return {
    context,
    routes: bitrix24Routes(context),
    deliver: (request, tenant, requestId) => delivery.deliver(request, tenant, requestId),
    groupOf: (tenant) => `bitrix24:${parseLineKey(tenant.key)?.memberId ?? tenant.key}`,
    files: { [OPERATOR_FILE_KIND]: (tenant, key) => openOperatorFile(context, tenant, key, fileOptions) },
  };
}
