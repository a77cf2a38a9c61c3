/**
 * @module webhook/signature — checks `X-Twilio-Signature` against the URL Twilio was given.
 */
import twilio from "twilio";

/** Form parameters of a Twilio webhook (a repeated name gives a list). */
export type TwilioParams = Record<string, string | string[]>;

/** Parses a form body exactly as sent, keeping repeated names. */
export function parseForm(body: string): TwilioParams {
  // Names come from the sender: `__proto__` or `constructor` must be plain fields, not Object's.
  const params: TwilioParams = Object.create(null) as TwilioParams;
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [existing, value].flat();
  }
  return params;
}

/**
 * True when the signature matches `url` (the public URL Twilio was given, with its query string)
 * and the form, keyed by the auth token. twilio-node also accepts the URL with or without the
 * default port.
 */
export function isValidSignature(input: {
  authToken: string;
  signature: string | undefined;
  url: string;
  params: TwilioParams;
}): boolean {
  if (!input.signature) return false;
  return twilio.validateRequest(input.authToken, input.signature, input.url, input.params);
}

/** A single value of a param (the first when repeated). */
export function param(params: TwilioParams, name: string): string | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  return Array.isArray(value) ? value[0] : value;
}
