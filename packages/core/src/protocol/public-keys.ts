/**
 * @module protocol/public-keys — CRM public keys: fetched once from `<issuer origin>/pkey/<id>`,
 * then kept in the database and in memory.
 */
import { eq, and } from "drizzle-orm";
import { createPublicKey, type KeyObject } from "node:crypto";
import type { Database } from "../db/client.js";
import { publicKeys } from "../db/schema.js";
import { HttpError } from "../errors.js";

const MAX_PEM_BYTES = 16 * 1024;
const FETCH_TIMEOUT_MS = 5000;

/** Loads issuer public keys: memory first, then the database, then the issuer itself. */
export class PublicKeyStore {
  private readonly memory = new Map<string, Promise<KeyObject>>();
  private readonly ready = new Map<string, KeyObject>();

  constructor(private readonly db: Database) {}

  /** The key if it is already loaded: the hot path verifies without awaiting anything. */
  cached(origin: string, keyId: string): KeyObject | undefined {
    return this.ready.get(`${origin} ${keyId}`);
  }

  /** The RS512 verification key `keyId` of an issuer origin (`https://host:port`). */
  get(origin: string, keyId: string): Promise<KeyObject> {
    const cacheKey = `${origin} ${keyId}`;
    let key = this.memory.get(cacheKey);
    if (!key) {
      key = this.load(origin, keyId);
      this.memory.set(cacheKey, key);
      key.then(
        (k) => this.ready.set(cacheKey, k),
        // A failed fetch must not poison the cache: the next token tries again.
        () => this.memory.delete(cacheKey),
      );
    }
    return key;
  }

  /** Persists a key once a token signed with it has verified (so junk never lands in the DB). */
  remember(origin: string, keyId: string, pem: string): void {
    this.db.insert(publicKeys).values({ origin, keyId, pem, fetchedAt: Date.now() }).onConflictDoNothing().run();
  }

  /** The PEM text fetched for a key, if this process fetched it (to persist after verification). */
  readonly fetchedPem = new Map<string, string>();

  private async load(origin: string, keyId: string): Promise<KeyObject> {
    const row = this.db
      .select({ pem: publicKeys.pem })
      .from(publicKeys)
      .where(and(eq(publicKeys.origin, origin), eq(publicKeys.keyId, keyId)))
      .get();
    const pem = row?.pem ?? (await this.fetchPem(origin, keyId));
    if (!row) this.fetchedPem.set(`${origin} ${keyId}`, pem);
    let key: KeyObject;
    try {
      key = createPublicKey(pem.trim());
    } catch {
      throw new HttpError(403, "Issuer public key is not a valid RSA public key");
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (key.asymmetricKeyType !== "rsa" || bits < 2048) {
      throw new HttpError(403, "Issuer public key must be an RSA key of at least 2048 bits");
    }
    return key;
  }

  private async fetchPem(origin: string, keyId: string): Promise<string> {
    const url = `${origin}/pkey/${encodeURIComponent(keyId)}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error" });
    } catch {
      throw new HttpError(403, "Issuer public key could not be fetched");
    }
    if (!res.ok) throw new HttpError(403, `Issuer public key could not be fetched (HTTP ${res.status})`);
    const text = await res.text();
    if (text.length > MAX_PEM_BYTES) throw new HttpError(403, "Issuer public key is too large");
    return text;
  }
}
