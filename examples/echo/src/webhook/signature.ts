/**
 * @module webhook/signature — the channel signs each webhook body with the tenant's signing secret:
 * `x-echo-signature: sha256=<hex HMAC-SHA256 of the raw body>`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookRefusal, WebhookRequest } from "@switchboard/core";
import type { EchoSettings } from "../settings/form.js";

/** The header the signature comes in. */
export const SIGNATURE_HEADER = "x-echo-signature";

/** The header value for a body signed with `secret` (the fake channel signs with it too). */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * `verify` of both webhooks: the signature over the raw bytes as they came, compared in constant
 * time. A tenant without a saved secret accepts nothing.
 */
export function verifySignature(request: WebhookRequest, tenant: { settings: EchoSettings }): true | WebhookRefusal {
  const secret = tenant.settings.channel?.signingSecret;
  const given = request.headers.get(SIGNATURE_HEADER);
  if (!secret) return { status: 401, message: "No webhook signing secret is saved for this tenant" };
  if (!given) return { status: 401, message: `Missing ${SIGNATURE_HEADER} header` };
  const expected = Buffer.from(signBody(secret, request.body));
  const actual = Buffer.from(given.trim().toLowerCase());
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { status: 401, message: `Invalid ${SIGNATURE_HEADER} signature` };
  }
  return true;
}
