/**
 * @module crm-simulator/keys — the CRM's RSA key pair and the `pkey` id gateways fetch it by (§3.1).
 */
import { createHash, KeyObject } from "node:crypto";
import { exportSPKI, generateKeyPair, type CryptoKey } from "jose";

/** The CRM's signing keys in the forms tests and the simulator need. */
export interface CrmKeys {
  /** WebCrypto private key (for jose's `SignJWT` in tests that forge their own tokens). */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The same private key as a Node KeyObject, so tokens can be signed synchronously. */
  privateKeyObject: KeyObject;
  /** SPKI PEM served at `GET /pkey/:id`. */
  publicKeyPem: string;
  /** md5 hex of the PEM: the `pkey` header value, as the PHP framework caches keys by it. */
  pkeyId: string;
}

/** Generates a fresh RS512 key pair. */
export async function createCrmKeys(): Promise<CrmKeys> {
  const { privateKey, publicKey } = await generateKeyPair("RS512", { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  return {
    privateKey,
    publicKey,
    privateKeyObject: KeyObject.from(privateKey),
    publicKeyPem,
    pkeyId: createHash("md5").update(publicKeyPem).digest("hex"),
  };
}
