/**
 * @module public-keys — CRM public keys: fetched once from `<issuer origin>/pkey/<id>`,
 * then kept in the database and in memory.
 */
import { eq, and } from "drizzle-orm";
import { createPublicKey, type KeyObject } from "node:crypto";
import { FetchError, guardedRequest, HttpError, readAll, type Database } from "@switchboard/core";
import { coreTables } from "@switchboard/core/internal";

const MAX_PEM_BYTES = 16 * 1024;
const FETCH_TIMEOUT_MS = 5000;

/** Loads issuer public keys: memory first, then the database (portable: drizzle's query builder, awaited), then the issuer itself. */
export class PublicKeyStore {
  private readonly memory = new Map<string, Promise<KeyObject>>();
  private readonly ready = new Map<string, KeyObject>();
  /** PEM texts this process fetched and no verified token has vouched for yet. */
  private readonly unconfirmed = new Map<string, string>();

  private readonly table;

  constructor(private readonly db: Database) {
    this.table = coreTables.for(db).publicKeys;
  }

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

  /**
   * Says a token signed with the key has verified: a key this process fetched is stored then, and
   * only then, so an issuer's junk never lands in the database.
   */
  async confirm(origin: string, keyId: string): Promise<void> {
    const cacheKey = `${origin} ${keyId}`;
    const pem = this.unconfirmed.get(cacheKey);
    if (pem === undefined) return;
    // Taken off first: tokens verifying meanwhile store it once, not once each.
    this.unconfirmed.delete(cacheKey);
    try {
      await this.db.insert(this.table).values({ origin, keyId, pem, fetchedAt: Date.now() }).onConflictDoNothing();
    } catch (error) {
      // Not stored: the next token signed with it tries again.
      this.unconfirmed.set(cacheKey, pem);
      throw error;
    }
  }

  private async load(origin: string, keyId: string): Promise<KeyObject> {
    const [row] = await this.db
      .select({ pem: this.table.pem })
      .from(this.table)
      .where(and(eq(this.table.origin, origin), eq(this.table.keyId, keyId)))
      .limit(1);
    const pem = row?.pem ?? (await this.fetchPem(origin, keyId));
    if (!row) this.unconfirmed.set(`${origin} ${keyId}`, pem);
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
    // Through core's guarded request like every outbound call (address policy, total deadline),
    // and read at most MAX_PEM_BYTES: an issuer cannot make us buffer an endless answer.
    let pem: Buffer;
    try {
      const res = await guardedRequest(url, { deadlineMs: FETCH_TIMEOUT_MS, what: "Issuer public key fetch" });
      if (res.status < 200 || res.status >= 300) {
        res.body.resume();
        throw new HttpError(403, `Issuer public key could not be fetched (HTTP ${res.status})`);
      }
      pem = await readAll(res, MAX_PEM_BYTES, "Issuer public key");
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (error instanceof FetchError && /larger than/.test(error.message)) {
        throw new HttpError(403, "Issuer public key is too large");
      }
      throw new HttpError(403, "Issuer public key could not be fetched");
    }
    return pem.toString("utf8");
  }
}
