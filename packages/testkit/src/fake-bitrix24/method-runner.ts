/**
 * @module fake-bitrix24/method-runner — runs one REST method for an authenticated portal: the method
 * table, app-context and scope checks, scripted faults, the operating limit, then the handler.
 */
import type { FakeBitrix24State } from "./fake-state.js";
import type { FormObject } from "./form-codec.js";
import type { RestMethod } from "./method.js";
import type { OperatingReport } from "./operating.js";
import type { PortalState } from "./portal-state.js";
import { RestError, insufficientScope, methodNotFound, operationTimeLimit, wrongAuthType } from "./rest-error.js";
import type { Grant } from "./tokens.js";

/** Who is calling and how. */
export interface Caller {
  state: FakeBitrix24State;
  portal: PortalState;
  grant: Grant;
  /** The call came through an incoming webhook rather than the app's OAuth token. */
  viaWebhook: boolean;
  baseUrl: string;
}

/** A method's outcome: its result or the error it answered. */
export type MethodOutcome =
  | { ok: true; result: unknown; operating?: OperatingReport }
  | { ok: false; error: RestError; operating?: OperatingReport };

/** Runs `method` (lower-cased) with `params`. */
export async function runMethod(
  table: Record<string, RestMethod>,
  caller: Caller,
  method: string,
  params: FormObject,
): Promise<MethodOutcome> {
  const { state, portal } = caller;
  const found = Object.hasOwn(table, method) ? table[method] : undefined;
  if (!found) return { ok: false, error: methodNotFound() };
  if (found.appOnly && caller.viaWebhook) return { ok: false, error: (found.outsideApp ?? wrongAuthType)() };
  if (found.scope !== null && !portal.scope.includes(found.scope)) return { ok: false, error: insufficientScope() };
  const fault = state.faults.take(method, portal.memberId);
  if (fault) {
    return { ok: false, error: new RestError(fault.status, fault.error, fault.description ?? fault.error) };
  }
  if (state.operating.blocked(portal.memberId, method)) {
    return { ok: false, error: operationTimeLimit(), operating: state.operating.report(portal.memberId, method) };
  }
  try {
    const result = await found.handle({ state, portal, grant: caller.grant, params, baseUrl: caller.baseUrl });
    return { ok: true, result, operating: state.operating.charge(portal.memberId, method) };
  } catch (error) {
    if (error instanceof RestError)
      return { ok: false, error, operating: state.operating.charge(portal.memberId, method) };
    throw error;
  }
}
