/**
 * @module webhook/twilio-request — the check every Twilio webhook passes before it is parsed: saved
 * credentials, and a valid signature over the public URL and the form.
 */
import { type GatewayRuntime, type Tenant, type WebhookRefusal, type WebhookRequest } from "@switchboard/core";
import type { SmsSettings } from "../settings/form.js";
import { isValidSignature, parseForm, type TwilioParams } from "./signature.js";

/** Twilio's webhook forms are a few KB (a 1600-character body, ten media URLs); 1 MiB is generous. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** The form parameters of a webhook request (repeated names kept, as Twilio signed them). */
export function twilioParams(request: WebhookRequest): TwilioParams {
  return parseForm(request.text());
}

/**
 * The `verify` of both webhooks: 403 when the tenant's credentials are not saved yet (nothing to
 * check the signature with) or `X-Twilio-Signature` does not match the request's public URL (built
 * from LV_PLUGIN_SELF_URI, never from the Host header, so a proxy cannot change it) and its form.
 */
export function verifyTwilioRequest(logger: GatewayRuntime["logger"]) {
  return (request: WebhookRequest, tenant: Tenant<SmsSettings>): true | WebhookRefusal => {
    const account = tenant.settings.main;
    if (!account) {
      return { status: 403, message: "Twilio settings are not saved, so the signature cannot be checked" };
    }
    const valid = isValidSignature({
      authToken: account.authToken,
      signature: request.headers.get("x-twilio-signature") ?? undefined,
      url: request.publicUrl,
      params: twilioParams(request),
    });
    if (valid) return true;
    logger.warn(
      { event: "sms.signature_refused", tenant: tenant.id, path: new URL(request.url).pathname },
      "rejected a Twilio webhook with a bad or missing signature",
    );
    return { status: 403, message: "Invalid Twilio signature" };
  };
}
