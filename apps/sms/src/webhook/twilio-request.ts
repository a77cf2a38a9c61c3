/**
 * @module webhook/twilio-request — the checks every Twilio webhook passes before it is acted on:
 * a known tenant with saved credentials, and a valid signature over its public URL.
 */
import { HttpError, readBoundedText, type GatewayRuntime, type Tenant } from "@switchboard/core";
import type { Context } from "hono";
import { readSettings, type SmsSettings } from "../settings/form.js";
import { isValidSignature, parseForm, type TwilioParams } from "./signature.js";

/** Twilio's webhook forms are a few KB (a 1600-character body, ten media URLs); 1 MiB is generous. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** A verified webhook call. */
export interface VerifiedTwilioRequest {
  tenant: Tenant;
  settings: SmsSettings;
  params: TwilioParams;
}

/**
 * Resolves the tenant of `/<kind>/:publicId` and verifies the signature; 404 for an unknown
 * tenant, 403 (nothing recorded) for a missing or bad signature or credentials not yet saved.
 */
export async function verifyTwilioRequest(
  c: Context,
  runtime: GatewayRuntime,
  path: (publicId: string) => string,
): Promise<VerifiedTwilioRequest> {
  const publicId = c.req.param("publicId") ?? "";
  const tenant = runtime.tenants.byPublicId(publicId);
  if (!tenant) throw new HttpError(404, "Unknown webhook");
  const settings = readSettings(tenant.settings);
  if (!settings) throw new HttpError(403, "Twilio settings are not saved, so the signature cannot be checked");
  const params = parseForm(await readBoundedText(c, WEBHOOK_BODY_LIMIT));
  const valid = isValidSignature({
    authToken: settings.authToken,
    signature: c.req.header("x-twilio-signature"),
    publicUrl: runtime.publicUrl(path(publicId)),
    search: new URL(c.req.url).search,
    params,
  });
  if (!valid) {
    runtime.logger.warn(
      { tenant: tenant.publicId, path: c.req.path },
      "rejected a Twilio webhook with a bad or missing signature",
    );
    throw new HttpError(403, "Invalid Twilio signature");
  }
  return { tenant, settings, params };
}
