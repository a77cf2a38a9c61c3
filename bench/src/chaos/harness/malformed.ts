/**
 * fast-check arbitraries for bad input: garbage bodies, content types, and tokens that are
 * malformed, unsigned, signed with the wrong algorithm or key, or carry wrong claims.
 */
import fc from "fast-check";
import type { CrmSimulator, PluginRef } from "@switchboard/testkit";

/** Content types a client might send (or none). */
export const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
);

/** A body that is text, JSON of any shape, or bytes. */
export const garbageBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.json({ maxDepth: 4 }),
  fc.uint8Array({ maxLength: 400 }),
  fc.constantFrom("", "{", "[]", "null", "0", '"x"', "{}", '{"request":null}', '{"registration":{}}'),
);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A JWT-looking string that was never signed by the CRM. */
export const fakeJwt = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 }))
  .map(([header, payload, sig]) => `${b64(header)}.${b64(payload)}.${Buffer.from(sig).toString("base64url")}`);

/** What can be wrong with a token the CRM key (or another) signed. */
const FORGERIES = [
  "none",
  "HS512",
  "RS256",
  "wrongAud",
  "wrongIss",
  "expired",
  "noPkey",
  "unknownTenant",
  "noCid",
] as const;

/** Tokens with a valid structure but something wrong; `body` is put in the `body` claim. */
export function forgedToken(
  crm: CrmSimulator,
  gatewayUrl: string,
  ref: PluginRef,
  body: unknown = {},
): fc.Arbitrary<string> {
  return fc.constantFrom(...FORGERIES).map((kind) => {
    const claims: Record<string, unknown> = { ...crm.claimsFor(gatewayUrl, ref), body, settings: true };
    switch (kind) {
      case "none":
        return crm.mintToken({ claims, alg: "none" });
      case "HS512":
        // The classic confusion: the public key as an HMAC secret.
        return crm.mintToken({ claims, alg: "HS512", key: crm.publicKeyPem });
      case "RS256":
        return crm.mintToken({ claims, alg: "RS256" });
      case "wrongAud":
        return crm.mintToken({ claims: { ...claims, aud: "http://127.0.0.1:1/" } });
      case "wrongIss":
        return crm.mintToken({ claims: { ...claims, iss: "http://evil.example/" } });
      case "expired":
        return crm.mintToken({ claims: { ...claims, exp: Math.floor(Date.now() / 1000) - 3600 } });
      case "noPkey":
        return crm.mintToken({ claims, header: { pkey: undefined } });
      case "unknownTenant":
        return crm.mintToken({ claims: { ...claims, cid: "999999" } });
      case "noCid":
        return crm.mintToken({ claims: { ...claims, cid: undefined } });
    }
  });
}

/** Any token-ish value: random text, unsigned JWTs, forged ones. */
export function anyBadToken(crm: CrmSimulator, gatewayUrl: string, ref: PluginRef): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ maxLength: 200 }), fakeJwt, forgedToken(crm, gatewayUrl, ref));
}

/** True when a `/special/send` body claim would be a deliverable message (the generator avoids those). */
export function looksDeliverable(body: unknown): boolean {
  const b = body as {
    chat?: { contact?: unknown };
    message?: { content?: { text?: unknown }; attachments?: unknown };
  } | null;
  if (!b || typeof b !== "object" || typeof b.chat?.contact !== "string") return false;
  const text = b.message?.content?.text;
  return (
    (typeof text === "string" && text.trim() !== "") ||
    (Array.isArray(b.message?.attachments) && b.message.attachments.length > 0)
  );
}

/** Send bodies that are malformed: wrong types, missing parts, empty texts. */
export const malformedSendBody: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.anything({ maxDepth: 3 }),
    fc.record({
      chat: fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.record({ contact: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
      ),
      message: fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.record({
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          content: fc.oneof(
            fc.constant(null),
            fc.record({ text: fc.oneof(fc.constant(""), fc.constant("   "), fc.integer()), format: fc.string() }),
          ),
          attachments: fc.oneof(fc.constant([]), fc.anything({ maxDepth: 1 })),
        }),
      ),
    }),
  )
  .filter((b) => !looksDeliverable(b));
