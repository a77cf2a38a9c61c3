/**
 * @module secrets/keyring — seals secrets at rest with AES-256-GCM under the current key and opens
 * values sealed under any configured key. A sealed value is `sb1:<key id>:<base64url(iv|ciphertext|tag)>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SwitchboardError } from "../errors.js";
import type { SecretKey } from "./secret-key.js";

const VERSION = "sb1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret could not be opened: sealed under a key we do not have, or damaged. */
export class SecretUnreadableError extends SwitchboardError {
  readonly retryable = false;
}

/** What gateways use to keep their own secrets encrypted (`runtime.secrets`). */
export interface SecretBox {
  /** Encrypts a secret for storage. */
  seal(plaintext: string): string;
  /** Decrypts a stored secret; a value stored before encryption existed is returned as it is. */
  open(stored: string): string;
}

/** The current key (seals) and the old ones (still open). */
export class Keyring implements SecretBox {
  private readonly keys = new Map<string, SecretKey>();

  constructor(
    private readonly current: SecretKey,
    old: readonly SecretKey[] = [],
  ) {
    for (const key of old) this.keys.set(key.id, key);
    this.keys.set(current.id, current);
  }

  /** Id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.bytes(), iv);
    const body = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}:${this.current.id}:${body.toString("base64url")}`;
  }

  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const [, keyId = "", data = ""] = stored.split(":");
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretUnreadableError(
        `A stored secret is sealed with key ${keyId}, which is neither SWITCHBOARD_SECRET_KEY nor in SWITCHBOARD_SECRET_KEYS_OLD`,
      );
    }
    const body = Buffer.from(data, "base64url");
    if (body.length < IV_BYTES + TAG_BYTES) throw new SecretUnreadableError("A stored secret is damaged");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.bytes(), body.subarray(0, IV_BYTES));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
    } catch (cause) {
      throw new SecretUnreadableError("A stored secret is damaged or was sealed with another key", { cause });
    }
  }

  /** True when `stored` is sealed with the current key (nothing to re-encrypt). */
  isCurrent(stored: string): boolean {
    return isSealed(stored) && stored.startsWith(`${VERSION}:${this.current.id}:`);
  }
}

/** Whether a stored value is sealed (rather than plaintext from before encryption). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}:`);
}
