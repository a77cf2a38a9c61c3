/**
 * @module deliver — the outbox's requests as SalesRender's wire (§6): an HS512-signed `PUT
 * …/CRM/plugin/chat/incoming` for a customer's message, `PATCH …/status` for a status.
 */
import { CrmRefusedError, type CoreConfig, type DeliveryContext, type OutboxRequest } from "@switchboard/core";
import { sendJson } from "@switchboard/core/internal";
import { NotRegisteredError } from "./errors.js";
import type { RegistrationStore } from "./registrations.js";
import { taskAttempt } from "./task-attempt.js";
import { signCrmRequest } from "./tokens.js";

const ENDPOINTS: Record<OutboxRequest["kind"], { method: string; path: string; success: number; stop: number[] }> = {
  incoming: { method: "PUT", path: "incoming", success: 201, stop: [405, 418] },
  status: { method: "PATCH", path: "status", success: 200, stop: [404, 418] },
};

const HTTP_TIMEOUT_MS = 30_000;

/** The `body` claim of a request: statuses carry only `{id, status}` on this wire. */
function claimOf(request: OutboxRequest): unknown {
  if (request.kind === "status") return { id: request.body.id, status: request.body.status };
  // The body claim is the protocol's `{chat, message}` exactly: what other hosts use stays out.
  return { chat: request.body.chat, message: request.body.message };
}

/** Builds the host's `deliver`: signs with the tenant's HPT and sends to its CRM cluster. */
export function createDeliver(deps: {
  config: Pick<CoreConfig, "selfUri" | "outboxMaxAgeMs" | "retry">;
  registrations: RegistrationStore;
}): (request: OutboxRequest, ctx: DeliveryContext) => Promise<void> {
  const { config, registrations } = deps;
  const userAgent = `SR-PLUGIN-CHAT-BOT/1.0 (+${config.selfUri.replace(/\/$/, "")}/info)`;
  return async (request, ctx) => {
    const endpoint = ENDPOINTS[request.kind];
    const creds = await registrations.credentials(ctx.tenant.id);
    if (!creds) throw new NotRegisteredError("plugin is not registered");
    const token = signCrmRequest({
      selfUri: config.selfUri,
      clusterUri: creds.clusterUri,
      hpt: creds.hpt,
      ref: creds.ref,
      body: claimOf(request),
    });
    const url = `${creds.clusterUri.replace(/\/+$/, "")}/companies/${encodeURIComponent(creds.ref.companyId)}/CRM/plugin/chat/${endpoint.path}`;
    const status = await sendJson(
      url,
      endpoint.method,
      JSON.stringify({
        request: token,
        __task: { createdAt: {}, attempt: taskAttempt(ctx.attempt - 1, config) },
      }),
      { headers: { "user-agent": userAgent }, timeoutMs: HTTP_TIMEOUT_MS },
    );
    if (status === endpoint.success) return;
    // The CRM's "never again" answers; any other status may pass.
    throw new CrmRefusedError(`HTTP ${status}`, { permanent: endpoint.stop.includes(status), status });
  };
}
