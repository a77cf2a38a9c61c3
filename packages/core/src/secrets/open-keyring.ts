/**
 * @module secrets/open-keyring — the keyring of a gateway: the operator's SWITCHBOARD_SECRET_KEY,
 * or (outside production) a key generated once into a file next to the database.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import type { Logger } from "pino";
import type { CoreConfig } from "../env.js";
import { Keyring } from "./keyring.js";
import { SecretKey } from "./secret-key.js";

/** Where the generated key of a database lives: next to it, `<db file>.key`. */
export function generatedKeyPath(dbPath: string): string {
  return `${dbPath}.key`;
}

/**
 * Builds the keyring for the database at `dbPath`. A generated key file, when one exists, stays
 * readable as an old key after the operator sets SWITCHBOARD_SECRET_KEY, so moving to an explicit
 * key re-encrypts everything at the next start.
 */
export function openKeyring(
  config: Pick<CoreConfig, "secretKey" | "oldSecretKeys" | "production">,
  dbPath: string,
  logger: Logger,
): Keyring {
  const memory = dbPath === ":memory:";
  const keyPath = generatedKeyPath(dbPath);
  const stored = memory ? undefined : readKeyFile(keyPath);
  if (config.secretKey) {
    const old = stored && stored.id !== config.secretKey.id ? [...config.oldSecretKeys, stored] : config.oldSecretKeys;
    return new Keyring(config.secretKey, old);
  }
  // loadCoreConfig already refuses this; kept so no caller can skip it.
  if (config.production) throw new Error("SWITCHBOARD_SECRET_KEY is required when NODE_ENV=production");
  if (memory) {
    logger.info(
      { event: "secrets.throwaway_key" },
      "SWITCHBOARD_SECRET_KEY is not set: secrets of this in-memory database use a throw-away key",
    );
    return new Keyring(new SecretKey(randomBytes(32)), config.oldSecretKeys);
  }
  if (stored) {
    logger.info(
      { event: "secrets.key_file", keyFile: keyPath },
      "SWITCHBOARD_SECRET_KEY is not set: secrets are sealed with the generated key file",
    );
    return new Keyring(stored, config.oldSecretKeys);
  }
  const key = new SecretKey(randomBytes(32));
  // `wx`: never overwrite a key another process just wrote.
  writeFileSync(keyPath, `${key.toBase64()}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(keyPath, 0o600);
  logger.warn(
    { event: "secrets.key_generated", keyFile: keyPath },
    "SWITCHBOARD_SECRET_KEY is not set: generated a secret key into the data folder (set SWITCHBOARD_SECRET_KEY in production)",
  );
  return new Keyring(key, config.oldSecretKeys);
}

function readKeyFile(path: string): SecretKey | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const key = SecretKey.parse(text);
  if (!key) throw new Error(`The generated secret key file ${path} is damaged: it must hold 32 bytes as base64`);
  return key;
}
