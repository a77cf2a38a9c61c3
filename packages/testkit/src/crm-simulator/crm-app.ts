/**
 * @module crm-simulator/crm-app — the CRM's HTTP side: public key, incoming messages, statuses (§3.1, §6).
 */
import { Hono, type Context } from "hono";
import { decodeJwt } from "jose";
import { asIncomingBody, asStatusBody, incomingBodyProblem, statusBodyProblem } from "./body-shapes.js";
import type { EventLog } from "./event-log.js";
import type { FailureSwitch } from "./failure-switch.js";
import type { RegistrationBook } from "./registrations.js";
import type { IncomingBody, RecordedRequest, RejectedRequest, StatusBody } from "./types.js";
import { verifyPluginRequest } from "./verify-plugin-request.js";

/** What the CRM app reads and writes; owned by the simulator. */
export interface CrmAppState {
  crmUrl(): string;
  publicKeyPem: string;
  pkeyId: string;
  book: RegistrationBook;
  failures: FailureSwitch;
  log: EventLog;
  incoming: RecordedRequest<IncomingBody>[];
  statuses: RecordedRequest<StatusBody>[];
  rejected: RejectedRequest[];
  /** Waits, but gives up early when the simulator stops listening. */
  sleep(ms: number): Promise<void>;
}

type Endpoint = "incoming" | "status";

/** Builds the CRM's Hono app (no listening here). */
export function createCrmApp(state: CrmAppState): Hono {
  const app = new Hono();

  app.get("/pkey/:id", (c) => {
    const known = c.req.param("id") === state.pkeyId;
    state.log.record({
      direction: "from-gateway",
      kind: "pkey",
      method: "GET",
      url: c.req.url,
      status: known ? 200 : 404,
      ...(known ? {} : { error: "unknown pkey id" }),
    });
    if (!known) return c.json({ code: 404, message: "Public key not found" }, 404);
    return c.text(state.publicKeyPem);
  });

  app.put("/companies/:cid/CRM/plugin/chat/incoming", (c) => handlePluginCall(c, "incoming", state));
  app.patch("/companies/:cid/CRM/plugin/chat/status", (c) => handlePluginCall(c, "status", state));

  app.notFound(async (c) => {
    const body = await readJson(c.req.raw);
    const reason = `no such CRM route: ${c.req.method} ${c.req.path}`;
    state.rejected.push({ method: c.req.method, path: c.req.path, status: 404, reason, body, at: Date.now() });
    state.log.record({
      direction: "from-gateway",
      kind: "unknown",
      method: c.req.method,
      url: c.req.url,
      status: 404,
      error: reason,
    });
    return c.json({ code: 404, message: "Not found." }, 404);
  });

  return app;
}

async function handlePluginCall(c: Context, endpoint: Endpoint, state: CrmAppState): Promise<Response> {
  const failure = state.failures.take(endpoint);
  if (failure?.delayMs) await state.sleep(failure.delayMs);
  const raw = await readJson(c.req.raw);
  const envelope = isObject(raw) ? raw : undefined;
  const event = { direction: "from-gateway", kind: endpoint, method: c.req.method, url: c.req.url } as const;

  if (failure?.status) {
    const claims = peekClaims(envelope?.request);
    state.log.record({ ...event, claims, requestBody: raw, status: failure.status, error: "simulated CRM failure" });
    return jsonResponse(failure.status, { code: failure.status, message: "Simulated CRM failure" });
  }

  const reject = (status: number, reason: string): Response => {
    state.rejected.push({ method: c.req.method, path: c.req.path, status, reason, body: raw, at: Date.now() });
    state.log.record({ ...event, claims: peekClaims(envelope?.request), requestBody: raw, status, error: reason });
    return jsonResponse(status, { code: status, message: reason });
  };

  if (!envelope) return reject(400, "HTTP body must be a JSON object {request: <JWT>}");
  const verified = await verifyPluginRequest(envelope.request, state.crmUrl(), state.book);
  if (!verified.ok) return reject(verified.status, verified.reason);
  if (c.req.param("cid") !== verified.ref.companyId) {
    return reject(403, `path company ${c.req.param("cid")} does not match claim cid ${verified.ref.companyId}`);
  }
  const problem = endpoint === "incoming" ? incomingBodyProblem(verified.body) : statusBodyProblem(verified.body);
  if (problem) return reject(400, problem);

  const { request: _token, ...rest } = envelope;
  const common = {
    ref: verified.ref,
    claims: verified.claims,
    envelope: rest,
    headers: Object.fromEntries(c.req.raw.headers.entries()),
    receivedAt: Date.now(),
  };
  if (endpoint === "incoming") state.incoming.push({ ...common, body: asIncomingBody(verified.body) });
  else state.statuses.push({ ...common, body: asStatusBody(verified.body) });
  const status = endpoint === "incoming" ? 201 : 200;
  state.log.record({ ...event, ref: verified.ref, claims: verified.claims, requestBody: raw, status });
  return jsonResponse(status, {});
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text().catch(() => "");
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function peekClaims(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== "string") return undefined;
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonResponse(status: number, body: unknown): Response {
  const noBody = status === 204 || status === 205 || status === 304;
  return new Response(noBody ? null : JSON.stringify(body), {
    status,
    headers: noBody ? {} : { "content-type": "application/json" },
  });
}
