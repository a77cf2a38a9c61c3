/**
 * @module crm-simulator/token-minter — the CRM's RS512 tokens: registration, X-PLUGIN-TOKEN, special requests (§3).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { signJwt, type JwtAlgorithm, type SigningKey } from "./jwt.js";
import type { CrmKeys } from "./keys.js";
import { normaliseBaseUrl } from "./registrations.js";
import type { PluginRef, SendBody } from "./types.js";

/** Low-level token options: exactly these claims, the default header merged with `header`. */
export interface MintOptions {
  claims: Record<string, unknown>;
  /** Merged over `{typ: "JWT", pkey}`; set a key to `undefined` to drop it (e.g. `{pkey: undefined}`). */
  header?: Record<string, unknown>;
  /** Default: the CRM's private key for RS*, required for HS*. */
  key?: SigningKey;
  /** Default `RS512`. */
  alg?: JwtAlgorithm;
}

/** Lifetime of the tokens the CRM mints. */
const TTL_SECONDS = 300;

/** Mints CRM tokens for a gateway base URL and tenant. */
export class TokenMinter {
  constructor(
    private readonly keys: CrmKeys,
    private readonly crmUrl: () => string,
  ) {}

  /** The claims every CRM token carries: iss, aud, cid, plugin, iat, exp, jti. */
  claimsFor(gatewayUrl: string, ref: PluginRef): Record<string, unknown> {
    const iat = Math.floor(Date.now() / 1000);
    return {
      iss: this.crmUrl(),
      aud: normaliseBaseUrl(gatewayUrl),
      cid: ref.companyId,
      plugin: { alias: ref.pluginAlias, id: ref.pluginId },
      iat,
      exp: iat + TTL_SECONDS,
      jti: randomUUID(),
    };
  }

  /** Signs arbitrary claims; for forged tokens (wrong aud/iss, HS512, alg none, expired...). */
  mint({ claims, header = {}, key, alg = "RS512" }: MintOptions): string {
    const signingKey = key ?? (alg.startsWith("RS") ? this.keys.privateKeyObject : undefined);
    return signJwt({ typ: "JWT", pkey: this.keys.pkeyId, ...header }, claims, alg, signingKey);
  }

  /** A registration token with a fresh HPT secret; the caller remembers the HPT if it is accepted. */
  registration(
    gatewayUrl: string,
    ref: PluginRef,
    extraClaims: Record<string, unknown> = {},
  ): { token: string; hpt: string } {
    const hpt = randomBytes(32).toString("base64url");
    const claims = { ...this.claimsFor(gatewayUrl, ref), HPT: hpt, country: "RU", currency: "RUB", ...extraClaims };
    return { token: this.mint({ claims }), hpt: String(claims.HPT) };
  }

  /** An X-PLUGIN-TOKEN value; `settings: false` makes it unable to touch settings (§5.4). */
  plugin(gatewayUrl: string, ref: PluginRef, { settings = true }: { settings?: boolean } = {}): string {
    return this.mint({ claims: { ...this.claimsFor(gatewayUrl, ref), settings } });
  }

  /** A special-request token carrying `body` (the `request` of `POST /special/send`). */
  special(gatewayUrl: string, ref: PluginRef, body: SendBody | Record<string, unknown>): string {
    return this.mint({ claims: { ...this.claimsFor(gatewayUrl, ref), body } });
  }
}
