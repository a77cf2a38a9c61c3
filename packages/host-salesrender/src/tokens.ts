/**
 * @module tokens — verifying CRM-issued RS512 tokens (§3.1) and signing our HS512 ones (§3.5).
 */
import { createHmac, verify as verifySignature } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import type { CoreConfig } from "@switchboard/core";
import { HttpError } from "@switchboard/core";
import type { SalesRenderEnv } from "./env.js";
import type { PublicKeyStore } from "./public-keys.js";
import type { PluginReference } from "./reference.js";

/** Claims of a verified CRM token, with the plugin reference already extracted. */
export interface CrmClaims extends JWTPayload {
  cid?: unknown;
  plugin?: unknown;
}

/** A verified CRM token. */
export interface VerifiedToken {
  claims: CrmClaims;
  /** Absent when the token names no company/plugin (callers that need one answer 403). */
  ref: PluginReference | undefined;
  /** Origin (`scheme://host[:port]`) of the token's `iss`, as checked against the allow-list. */
  issuer: string;
}

const CLOCK_TOLERANCE_S = 60;

/** Verifies CRM tokens exactly as the PHP framework does, plus exp/nbf and a strict algorithm. */
export class CrmTokenVerifier {
  constructor(
    private readonly config: Pick<CoreConfig, "selfUri"> & SalesRenderEnv,
    private readonly keys: PublicKeyStore,
  ) {}

  /**
   * Verifies a token; a failure is an `HttpError` whose message says why: 401 for a token
   * without `exp` (it would never expire), 403 for everything else.
   */
  async verify(token: unknown): Promise<VerifiedToken> {
    if (typeof token !== "string" || token === "") throw new HttpError(403, "Token is missing");
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      throw new HttpError(403, "Token is malformed");
    }
    // Checked before anything else so `none`, HS* and confused-key tokens never reach a verifier.
    if (header.alg !== "RS512") throw new HttpError(403, "Token must be signed with RS512");
    const keyId = header.pkey;
    if (typeof keyId !== "string" || keyId === "") throw new HttpError(403, "Token header has no pkey");

    const aud = typeof unverified.aud === "string" ? unverified.aud : "";
    if (aud !== this.config.selfUri) throw new HttpError(403, `Audience mismatched '${aud}'`);
    // The issuer is checked before its key is fetched, so a token cannot make us call arbitrary hosts.
    const origin = this.issuerOrigin(unverified.iss);

    // node:crypto verifies synchronously; jose's WebCrypto path costs an async job per request.
    const key = this.keys.cached(origin, keyId) ?? (await this.keys.get(origin, keyId));
    const [head, body, signature] = token.split(".");
    const valid = verifySignature(
      "sha512",
      Buffer.from(`${head}.${body}`),
      key,
      Buffer.from(signature ?? "", "base64url"),
    );
    if (!valid) throw new HttpError(403, "Input token sign was not verified");
    const claims = unverified;
    const now = Math.floor(Date.now() / 1000);
    if (claims.exp === undefined) throw new HttpError(401, "Token has no exp claim");
    if (typeof claims.exp !== "number" || claims.exp < now - CLOCK_TOLERANCE_S) {
      throw new HttpError(403, "Token has expired");
    }
    if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > now + CLOCK_TOLERANCE_S)) {
      throw new HttpError(403, "Token claim is not valid: nbf");
    }
    // A registration from the future would make every later, genuine one look outdated.
    if (claims.iat !== undefined && (typeof claims.iat !== "number" || claims.iat > now + CLOCK_TOLERANCE_S)) {
      throw new HttpError(403, "Token claim is not valid: iat");
    }
    await this.keys.confirm(origin, keyId);
    return { claims, ref: referenceFromClaims(claims), issuer: origin };
  }

  private issuerOrigin(iss: unknown): string {
    let url: URL;
    try {
      url = new URL(String(iss ?? ""));
    } catch {
      throw new HttpError(403, "Issuer is not a valid URI");
    }
    const scheme = url.protocol.replace(/:$/, "");
    if (scheme !== this.config.issuerScheme) {
      throw new HttpError(403, `Issuer scheme is not '${this.config.issuerScheme}'`);
    }
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
    const allowed = this.config.issuerHostnames.some((h) => host === h || host.endsWith(`.${h}`));
    if (!allowed) {
      throw new HttpError(403, `Issuer hostname is not in '{${this.config.issuerHostnames.join(",")}}'`);
    }
    return url.origin;
  }
}

/** The plugin reference from `cid` and `plugin {alias, id}` claims, if they are well formed. */
export function referenceFromClaims(claims: CrmClaims): PluginReference | undefined {
  const plugin = claims.plugin as { alias?: unknown; id?: unknown } | undefined;
  const scalar = (v: unknown) => (typeof v === "string" || typeof v === "number") && String(v) !== "";
  if (!scalar(claims.cid) || !plugin || typeof plugin !== "object") return undefined;
  if (!scalar(plugin.alias) || !scalar(plugin.id)) return undefined;
  return { companyId: String(claims.cid), pluginAlias: String(plugin.alias), pluginId: String(plugin.id) };
}

/**
 * Signs a request to the CRM: HS512 with the registration's HPT, claims in the protocol's order
 * (iss, aud, cid, plugin, body, exp). Synchronous node:crypto HMAC: the outbox signs every attempt.
 */
export function signCrmRequest(input: {
  selfUri: string;
  clusterUri: string;
  hpt: string;
  ref: PluginReference;
  body: unknown;
  ttlSeconds?: number;
}): string {
  const exp = Math.floor(Date.now() / 1000) + (input.ttlSeconds ?? 300);
  const header = Buffer.from(JSON.stringify({ typ: "JWT", alg: "HS512" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({
      iss: input.selfUri,
      aud: input.clusterUri,
      cid: input.ref.companyId,
      plugin: { alias: input.ref.pluginAlias, id: input.ref.pluginId },
      body: input.body,
      exp,
    }),
  ).toString("base64url");
  const signature = createHmac("sha512", input.hpt).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}
