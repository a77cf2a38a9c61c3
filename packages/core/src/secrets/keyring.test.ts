import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { loadCoreConfig } from "../env.js";
import { Keyring, SecretUnreadableError } from "./keyring.js";
import { SecretKey } from "./secret-key.js";

const key = () => new SecretKey(randomBytes(32));

describe("Keyring", () => {
  it("seals with AES-256-GCM under the current key and opens what it sealed", () => {
    const ring = new Keyring(key());
    const sealed = ring.seal("123456:AA-bot-token");
    expect(sealed).toMatch(new RegExp(`^sb1:${ring.currentKeyId}:[\\w-]+$`));
    expect(sealed).not.toContain("bot-token");
    expect(ring.seal("same")).not.toBe(ring.seal("same"));
    expect(ring.open(sealed)).toBe("123456:AA-bot-token");
    expect(ring.isCurrent(sealed)).toBe(true);
  });

  it("opens values of an old key, reports them as not current, and refuses a key it does not have", () => {
    const oldKey = key();
    const sealed = new Keyring(oldKey).seal("twilio-auth-token");
    const rotated = new Keyring(key(), [key(), oldKey]);
    expect(rotated.open(sealed)).toBe("twilio-auth-token");
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(() => new Keyring(key()).open(sealed)).toThrow(SecretUnreadableError);
    expect(() => new Keyring(key()).open(sealed)).toThrow(/SWITCHBOARD_SECRET_KEYS_OLD/);
  });

  it("refuses a tampered value and passes plaintext from before encryption through", () => {
    const ring = new Keyring(key());
    const sealed = ring.seal("smtp-password");
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === "A" ? "B" : "A") + sealed.at(-1);
    expect(() => ring.open(flipped)).toThrow(SecretUnreadableError);
    expect(ring.open("legacy-plaintext")).toBe("legacy-plaintext");
    expect(ring.isCurrent("legacy-plaintext")).toBe(false);
  });
});

describe("SecretKey", () => {
  const bytes = randomBytes(32);

  it("parses 32 bytes as base64 (openssl rand -base64 32), base64url or hex, to the same key", () => {
    const ids = [bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")].map(
      (text) => SecretKey.parse(text)?.id,
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[\w-]{8}$/);
  });

  it("refuses other lengths and never prints the key", () => {
    expect(SecretKey.parse(randomBytes(16).toString("base64"))).toBeUndefined();
    expect(SecretKey.parse(randomBytes(33).toString("hex"))).toBeUndefined();
    const parsed = SecretKey.parse(bytes.toString("base64"))!;
    for (const shown of [JSON.stringify({ parsed }), inspect(parsed), String(parsed)]) {
      expect(shown).not.toContain(bytes.toString("base64"));
      expect(shown).not.toContain(bytes.toString("hex"));
    }
  });
});

describe("secret key configuration", () => {
  const base = { LV_PLUGIN_SELF_URI: "https://gw.example/" };

  it("reads SWITCHBOARD_SECRET_KEY and the comma-separated SWITCHBOARD_SECRET_KEYS_OLD", () => {
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const config = loadCoreConfig({
      ...base,
      SWITCHBOARD_SECRET_KEY: a.toString("base64"),
      SWITCHBOARD_SECRET_KEYS_OLD: `${b.toString("hex")}, ${c.toString("base64")}`,
    });
    expect(config.secretKey?.id).toBe(new SecretKey(a).id);
    expect(config.oldSecretKeys.map((k) => k.id)).toEqual([new SecretKey(b).id, new SecretKey(c).id]);
  });

  it("refuses a key of the wrong length, naming the variable but never the key", () => {
    const short = randomBytes(31).toString("base64");
    const attempt = () => loadCoreConfig({ ...base, SWITCHBOARD_SECRET_KEY: short });
    expect(attempt).toThrow(/SWITCHBOARD_SECRET_KEY: must be 32 bytes given as base64/);
    expect(attempt).not.toThrow(short);
    const oldAttempt = () => loadCoreConfig({ ...base, SWITCHBOARD_SECRET_KEYS_OLD: `${short}` });
    expect(oldAttempt).toThrow(/SWITCHBOARD_SECRET_KEYS_OLD: entry 1 must be 32 bytes/);
    expect(oldAttempt).not.toThrow(short);
  });

  it("requires a key with NODE_ENV=production", () => {
    expect(() => loadCoreConfig({ ...base, NODE_ENV: "production" })).toThrow(
      /SWITCHBOARD_SECRET_KEY: required when NODE_ENV=production/,
    );
    const key = randomBytes(32).toString("base64");
    expect(loadCoreConfig({ ...base, NODE_ENV: "production", SWITCHBOARD_SECRET_KEY: key }).production).toBe(true);
    expect(loadCoreConfig(base).secretKey).toBeUndefined();
  });
});
