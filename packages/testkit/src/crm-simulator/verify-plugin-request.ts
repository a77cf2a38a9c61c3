/**
 * @module crm-simulator/verify-plugin-request — checks a gateway's HS512 token as the CRM would (§3.5).
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { RegistrationBook } from "./registrations.js";
import type { PluginRef } from "./types.js";

/** A token that verified: its tenant, claims and `body` claim. */
export interface VerifiedRequest {
  ok: true;
  ref: PluginRef;
  claims: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** Why a token was refused, and the status to answer. */
export interface RefusedRequest {
  ok: false;
  status: 400 | 401 | 403;
  reason: string;
}

/**
 * Verifies `request` (the JWT of a gateway's call): HS512 with the HPT issued to that gateway
 * for the tenant named by `cid`/`plugin`, `iss` a known gateway, `aud` this CRM, `exp` present.
 */
export async function verifyPluginRequest(
  token: unknown,
  crmUrl: string,
  book: RegistrationBook,
): Promise<VerifiedRequest | RefusedRequest> {
  if (typeof token !== "string" || token === "") {
    return refuse(400, "body.request must be a JWT string");
  }
  let header: Record<string, unknown>;
  let unverified: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    unverified = decodeJwt(token) as Record<string, unknown>;
  } catch {
    return refuse(401, "request is not a well-formed JWT");
  }
  if (header.alg !== "HS512") return refuse(401, `token alg must be HS512, got ${String(header.alg)}`);
  const ref = refFromClaims(unverified);
  if (typeof ref === "string") return refuse(403, ref);
  const iss = unverified.iss;
  if (typeof iss !== "string" || !book.knowsGateway(iss)) {
    return refuse(403, `token iss ${JSON.stringify(iss)} is not a gateway base URL this CRM knows`);
  }
  const hpt = book.find(iss, ref);
  if (hpt === undefined) {
    return refuse(
      403,
      `no registration for company ${ref.companyId} plugin ${ref.pluginAlias}/${ref.pluginId} at ${iss}`,
    );
  }
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(hpt), {
      algorithms: ["HS512"],
      issuer: iss,
      audience: crmUrl,
      requiredClaims: ["exp"],
    });
    const body = payload.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return refuse(400, "token has no object `body` claim");
    }
    return { ok: true, ref, claims: payload as Record<string, unknown>, body: body as Record<string, unknown> };
  } catch (error) {
    return refusalFor(error, crmUrl);
  }
}

function refusalFor(error: unknown, crmUrl: string): RefusedRequest {
  if (error instanceof errors.JWTExpired) return refuse(401, "token expired");
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refuse(401, "token signature does not verify with the HPT issued at registration");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const expected = error.claim === "aud" ? ` (expected ${crmUrl})` : "";
    return refuse(403, `token claim ${error.claim} is invalid${expected}: ${error.message}`);
  }
  return refuse(401, `token rejected: ${error instanceof Error ? error.message : String(error)}`);
}

/** Reads the tenant from `cid` / `plugin`; the protocol sends ids as strings (§3.5). */
function refFromClaims(claims: Record<string, unknown>): PluginRef | string {
  const plugin = claims.plugin as Record<string, unknown> | undefined;
  if (typeof claims.cid !== "string") return `claim cid must be a string, got ${JSON.stringify(claims.cid)}`;
  if (typeof plugin !== "object" || plugin === null) return "claim plugin must be an object {alias, id}";
  if (typeof plugin.alias !== "string" || typeof plugin.id !== "string") {
    return `claim plugin must have string alias and id, got ${JSON.stringify(plugin)}`;
  }
  return { companyId: claims.cid, pluginAlias: plugin.alias, pluginId: plugin.id };
}

function refuse(status: RefusedRequest["status"], reason: string): RefusedRequest {
  return { ok: false, status, reason };
}
