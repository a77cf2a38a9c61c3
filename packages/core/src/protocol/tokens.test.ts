import { createHash, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoGateway } from "../test/echo-gateway.js";
import { startStack, TENANT_A, textMessage, type Stack } from "../test/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(createEchoGateway().definition);
});
afterAll(() => stack.close());

/** Posts a send with the given token and returns status + message. */
async function sendWith(token: string) {
  const res = await fetch(stack.gw.url + "special/send", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ request: token }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { code: number; message: string } | null };
}

const claims = () => ({ ...stack.crm.claimsFor(stack.gw.url, TENANT_A), body: textMessage("forged") });

describe("CRM token verification", () => {
  it("accepts a genuine RS512 token", async () => {
    expect((await sendWith(stack.crm.mintToken({ claims: claims() }))).status).toBe(202);
  });

  it.each([
    [
      "an audience of another plugin",
      { aud: "https://other.plugin.test/" },
      "Audience mismatched 'https://other.plugin.test/'",
    ],
    ["an issuer with the wrong scheme", { iss: "https://127.0.0.1/" }, "Issuer scheme is not 'http'"],
    ["an issuer host outside the allow-list", { iss: "http://evil.test/" }, "Issuer hostname is not in '{127.0.0.1}'"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 3600 }, "Token has expired"],
    ["a token not valid yet", { nbf: Math.floor(Date.now() / 1000) + 3600 }, "Token claim is not valid: nbf"],
  ])("rejects %s with 403", async (_name, override, message) => {
    const result = await sendWith(stack.crm.mintToken({ claims: { ...claims(), ...override } }));
    expect(result).toEqual({ status: 403, body: { code: 403, message } });
  });

  it("rejects alg none, HS512 and the public key used as an HMAC secret", async () => {
    const none = [
      Buffer.from(JSON.stringify({ alg: "none", typ: "JWT", pkey: stack.crm.pkeyId })).toString("base64url"),
      Buffer.from(JSON.stringify(claims())).toString("base64url"),
      "",
    ].join(".");
    expect(await sendWith(none)).toEqual({
      status: 403,
      body: { code: 403, message: "Token must be signed with RS512" },
    });
    const confused = stack.crm.mintToken({
      claims: claims(),
      alg: "HS512",
      key: new TextEncoder().encode(stack.crm.publicKeyPem),
    });
    expect((await sendWith(confused)).body?.message).toBe("Token must be signed with RS512");
  });

  it("rejects a token signed by another key under the CRM's pkey, and one without pkey", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const other = stack.crm.mintToken({ claims: claims(), key: privateKey });
    expect(await sendWith(other)).toEqual({
      status: 403,
      body: { code: 403, message: "Input token sign was not verified" },
    });
    const noKid = stack.crm.mintToken({ claims: claims(), header: { pkey: undefined } });
    expect((await sendWith(noKid)).body?.message).toBe("Token header has no pkey");
  });

  it("rejects a pkey the issuer does not serve, without caching the failure", async () => {
    const unknown = stack.crm.mintToken({
      claims: claims(),
      header: { pkey: createHash("md5").update("nope").digest("hex") },
    });
    const result = await sendWith(unknown);
    expect(result.status).toBe(403);
    expect(result.body?.message).toMatch(/could not be fetched/);
  });

  it("caches the issuer's public key in the database after the first verification", () => {
    const rows = stack.gw.runtime.db.$client.prepare("SELECT origin, key_id, pem FROM public_keys").all() as Array<{
      key_id: string;
      pem: string;
    }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).toBe(stack.crm.pkeyId);
    expect(rows[0]!.pem.trim()).toBe(stack.crm.publicKeyPem.trim());
  });
});

describe("issuer public keys", () => {
  it("are stored only once a token signed with them has verified", async () => {
    const fresh = await startStack(createEchoGateway().definition, { register: false });
    try {
      const stored = () => fresh.gw.runtime.db.$client.prepare("SELECT key_id FROM public_keys").all();
      const send = (token: string) =>
        fetch(fresh.gw.url + "special/send", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ request: token }),
        });
      const body = { ...fresh.crm.claimsFor(fresh.gw.url, TENANT_A), body: textMessage("k-1") };
      // The key is fetched for this token, but the token is not signed with it: nothing is stored.
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      expect((await send(fresh.crm.mintToken({ claims: body, key: privateKey }))).status).toBe(403);
      expect(stored()).toEqual([]);
      // A genuine token vouches for the key (the send itself is refused: nobody registered).
      await send(fresh.crm.mintToken({ claims: body }));
      expect(stored()).toEqual([{ key_id: fresh.crm.pkeyId }]);
    } finally {
      await fresh.close();
    }
  });
});
