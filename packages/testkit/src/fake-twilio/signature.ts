/**
 * @module fake-twilio/signature — `X-Twilio-Signature` exactly as Twilio computes it.
 * @see https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
import { createHmac } from "node:crypto";

/** Form parameters of a webhook: a value may repeat (then it is a list). */
export type WebhookParams = Record<string, string | string[]>;

/**
 * HMAC-SHA1 keyed with the auth token over the full URL followed by every parameter, sorted by
 * name, as name+value (repeated values sorted and deduplicated, as twilio-node does); base64.
 */
export function twilioSignature(authToken: string, url: string, params: WebhookParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value ?? ""];
    for (const v of values) data += name + v;
  }
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

/** The form body Twilio posts: `application/x-www-form-urlencoded`, repeated names for lists. */
export function encodeForm(params: WebhookParams): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return form.toString();
}
