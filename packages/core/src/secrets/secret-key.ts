/**
 * @module secrets/secret-key — an AES-256 key given by the operator (base64 or hex), kept out of
 * logs: it prints as `[secret key <id>]` and serialises as `"[redacted]"`.
 */
import { createHash } from "node:crypto";
import { inspect } from "node:util";

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;

const HEX = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters plus one `=` of padding; base64url is accepted too.
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A 32-byte key; `id` names it in sealed values without revealing it. */
export class SecretKey {
  readonly #bytes: Buffer;
  /** Short, stable name of the key, stored with every value it seals. */
  readonly id: string;

  constructor(bytes: Buffer) {
    if (bytes.length !== SECRET_KEY_BYTES) throw new Error(`A secret key must be ${SECRET_KEY_BYTES} bytes`);
    this.#bytes = Buffer.from(bytes);
    this.id = createHash("sha256").update("switchboard secret key id\0").update(bytes).digest("base64url").slice(0, 8);
  }

  /** Parses 64 hex characters or 44 base64 ones; undefined for anything else (never echoing it). */
  static parse(text: string): SecretKey | undefined {
    const value = text.trim();
    if (HEX.test(value)) return new SecretKey(Buffer.from(value, "hex"));
    if (BASE64.test(value)) {
      const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
      if (bytes.length === SECRET_KEY_BYTES) return new SecretKey(bytes);
    }
    return undefined;
  }

  /** The key as base64 text (for the generated key file). */
  toBase64(): string {
    return this.#bytes.toString("base64");
  }

  /** @internal The raw key, for the cipher. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return "[redacted]";
  }

  toString(): string {
    return `[secret key ${this.id}]`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
