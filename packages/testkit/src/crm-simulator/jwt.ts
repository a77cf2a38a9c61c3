/**
 * @module crm-simulator/jwt — synchronous compact-JWS signing, including deliberately bad tokens.
 *
 * Signing with node:crypto instead of jose's async `SignJWT` lets `crm.pluginToken()` return a
 * plain string (safe to put straight into a header); the tests verify these tokens with jose.
 */
import { createHmac, createPrivateKey, sign, type KeyObject } from "node:crypto";

/** Algorithms the simulator can sign with; `none` yields an unsigned token (for rejection tests). */
export type JwtAlgorithm = "RS512" | "RS256" | "HS512" | "HS256" | "none";

/** A signing key: a private KeyObject or PEM for RS*, a secret string or bytes for HS*. */
export type SigningKey = KeyObject | string | Uint8Array;

/** Signs `claims` with `header` (its `alg` is set from `alg`). Undefined header values are dropped. */
export function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  alg: JwtAlgorithm,
  key: SigningKey | undefined,
): string {
  const fullHeader = dropUndefined({ ...header, alg });
  const input = `${encode(fullHeader)}.${encode(claims)}`;
  return `${input}.${signature(input, alg, key)}`;
}

function signature(input: string, alg: JwtAlgorithm, key: SigningKey | undefined): string {
  if (alg === "none") return "";
  if (key === undefined) throw new Error(`A key is needed to sign ${alg}`);
  const hash = alg.endsWith("512") ? "sha512" : "sha256";
  if (alg.startsWith("HS")) {
    const secret = typeof key === "string" || key instanceof Uint8Array ? key : key.export();
    return createHmac(hash, secret).update(input).digest("base64url");
  }
  const privateKey = typeof key === "string" || key instanceof Uint8Array ? createPrivateKey(Buffer.from(key)) : key;
  // RSASSA-PKCS1-v1_5 is node's default padding for RSA keys, which is what RS256/RS512 mean.
  return sign(hash, Buffer.from(input), privateKey).toString("base64url");
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
