/**
 * @module fake-bitrix24/rest-endpoint — `POST|GET /rest/<method>[.json]` (and the incoming-webhook form
 * `/rest/<user>/<code>/<method>`): reads JSON or bracket-form bodies and the query, finds `auth` in
 * either, checks the token, the portal's rate bucket per source IP, then runs the method (or `batch`)
 * and answers `{result, time}` or `{error, error_description}` with the documented status.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import { runBatch } from "./batch.js";
import type { AuthSource, CallTransport, FakeBitrix24State, RecordedCall } from "./fake-state.js";
import { parseBracketForm, type FormObject } from "./form-codec.js";
import type { RestMethod } from "./method.js";
import { runMethod, type Caller, type MethodOutcome } from "./method-runner.js";
import { isRecord, text } from "./params.js";
import { RestError, expiredToken, noAuthFound, queryLimitExceeded } from "./rest-error.js";
import { timeInfo } from "./time-info.js";

type Ctx = Context<{ Bindings: HttpBindings }>;

/** The parsed request: method, params (query merged under the body), transport and auth. */
interface ParsedCall {
  method: string;
  params: FormObject;
  transport: CallTransport;
  auth: { token: string | undefined; source: AuthSource };
  webhook: { userId: string; code: string } | null;
}

async function parseCall(c: Ctx, path: string): Promise<ParsedCall> {
  const segments = path
    .replace(/^\/rest\//, "")
    .split("/")
    .filter((s) => s !== "");
  const webhook = segments.length === 3 ? { userId: segments[0]!, code: segments[1]! } : null;
  const rawMethod = decodeURIComponent(segments.at(-1) ?? "");
  const method = rawMethod.toLowerCase().replace(/\.json$/, "");
  const url = new URL(c.req.url);
  const query = parseBracketForm(url.search.slice(1));
  let body: FormObject = {};
  let transport: CallTransport = "query";
  const raw = c.req.method === "POST" ? await c.req.text() : "";
  if (raw.trim() !== "") {
    if ((c.req.header("content-type") ?? "").includes("json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new RestError(400, "INVALID_REQUEST", "The request body is not valid JSON");
      }
      if (!isRecord(parsed)) throw new RestError(400, "INVALID_REQUEST", "The JSON body must be an object");
      body = parsed as FormObject;
      transport = "json";
    } else {
      body = parseBracketForm(raw);
      transport = "form";
    }
  }
  const params: FormObject = { ...query, ...body };
  const bodyAuth = Object.hasOwn(body, "auth") ? text(body.auth) : undefined;
  const queryAuth = Object.hasOwn(query, "auth") ? text(query.auth) : undefined;
  delete params.auth;
  const auth = webhook
    ? { token: undefined, source: "webhook" as const }
    : bodyAuth !== undefined
      ? { token: bodyAuth, source: "body" as const }
      : queryAuth !== undefined
        ? { token: queryAuth, source: "query" as const }
        : { token: undefined, source: "none" as const };
  return { method, params, transport, auth, webhook };
}

function errorAnswer(c: Ctx, error: RestError): Response {
  return c.json(error.body(), error.status as 400);
}

/** Handles one REST request against the fake's state. */
export async function handleRest(
  c: Ctx,
  state: FakeBitrix24State,
  table: Record<string, RestMethod>,
  baseUrl: string,
): Promise<Response> {
  const started = state.clock();
  const ip = c.env.incoming.socket.remoteAddress ?? "unknown";
  if (state.faults.portal === "reset") {
    c.env.incoming.socket.destroy();
    return c.body(null, 500);
  }
  if (state.faults.portal === "503") {
    return c.text("Service Unavailable", 503);
  }
  const path = new URL(c.req.url).pathname;
  let call: ParsedCall;
  try {
    call = await parseCall(c, path);
  } catch (error) {
    if (error instanceof RestError) return errorAnswer(c, error);
    throw error;
  }
  const record: RecordedCall = {
    method: call.method,
    memberId: null,
    params: call.params,
    transport: call.transport,
    auth: call.auth.source,
    ip,
    status: 0,
    at: started,
  };
  state.calls.push(record);
  const answer = (error: RestError): Response => {
    record.status = error.status;
    record.error = error.error;
    return errorAnswer(c, error);
  };

  let caller: Caller;
  if (call.webhook) {
    const hook = state.webhooks.get(call.webhook.code);
    if (!hook || String(hook.userId) !== call.webhook.userId) return answer(noAuthFound());
    const portal = state.portals.get(hook.memberId);
    if (!portal) return answer(noAuthFound());
    caller = { state, portal, grant: hook, viaWebhook: true, baseUrl };
  } else {
    if (call.auth.token === undefined) return answer(noAuthFound());
    const checked = state.tokens.check(call.auth.token);
    if (checked.kind === "unknown") return answer(noAuthFound());
    if (checked.kind === "expired") return answer(expiredToken());
    const portal = state.portals.get(checked.grant.memberId);
    if (!portal) return answer(noAuthFound());
    caller = { state, portal, grant: checked.grant, viaWebhook: false, baseUrl };
  }
  record.memberId = caller.portal.memberId;
  if (!state.buckets.take(caller.portal.memberId, ip)) return answer(queryLimitExceeded());

  let outcome: MethodOutcome;
  if (call.method === "batch") {
    try {
      const result = await runBatch(call.params, state.clock, async (key, method, params) => {
        const sub = await runMethod(table, caller, method, params);
        state.calls.push({
          method,
          memberId: caller.portal.memberId,
          params,
          transport: call.transport,
          auth: call.auth.source,
          ip,
          status: sub.ok ? 200 : sub.error.status,
          ...(sub.ok ? {} : { error: sub.error.error }),
          batch: key,
          at: state.clock(),
        });
        return sub;
      });
      outcome = { ok: true, result };
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      outcome = { ok: false, error };
    }
  } else {
    outcome = await runMethod(table, caller, call.method, call.params);
  }
  if (!outcome.ok) return answer(outcome.error);
  record.status = 200;
  return c.json({ result: outcome.result, time: timeInfo(started, state.clock(), outcome.operating) });
}
