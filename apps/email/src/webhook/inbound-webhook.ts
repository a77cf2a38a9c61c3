/**
 * @module webhook/inbound-webhook — `POST email/inbound/<tenant token>` (and `.../<token>/mime`,
 * since Mailgun posts raw MIME only to URLs ending in `mime`): a raw RFC 822 message from a mail
 * provider's inbound webhook or a forwarding rule, turned into events by the same mail processing
 * as the SMTP server's. Answers `{outcome}`; a mail the gateway refuses is a 400 `{code, message}`.
 */
import { WebhookInputError, type WebhookDefinition } from "@switchboard/core";
import { InboundRejection } from "../inbound/inbound-rejection.js";
import { mailEvents } from "../inbound/mail-events.js";
import { checkSender } from "../inbound/sender-authenticity.js";
import type { EmailServices } from "../services.js";
import type { EmailSettings } from "../settings/form.js";
import { postedMail } from "./posted-mail.js";

/** Path of the webhook under LV_PLUGIN_SELF_URI, before the token (also builds the URL shown in settings). */
export const INBOUND_ROUTE_PREFIX = "email/inbound/";

/** The raw-MIME webhook; `maxBytes` is the largest message taken (the inbound size limit). */
export function inboundWebhook(services: EmailServices, maxBytes: number): WebhookDefinition<EmailSettings> {
  const { runtime } = services;
  const mta = new URL(runtime.config.selfUri).hostname;
  return {
    path: [`${INBOUND_ROUTE_PREFIX}:token`, `${INBOUND_ROUTE_PREFIX}:token/mime`],
    maxBytes,
    tenant: async ({ token }) => {
      const tenantId = await services.tokens.findTenantId(token ?? "");
      return tenantId === undefined ? undefined : runtime.tenants.get(tenantId);
    },
    // No `verify`: the token in the path is the secret (random, per tenant, shown only to the
    // settings claim); a request that found the tenant by it is verified.
    async parse(request, tenant) {
      const { raw, origin } = await postedMail(request);
      if (!raw) throw new WebhookInputError("The request carries no message");
      const verdict = origin && services.checkSenders ? await checkSender(raw, origin, services.dns, mta) : undefined;
      let mail;
      try {
        mail = await mailEvents(services, tenant, raw, { mailFrom: origin?.mailFrom, senderWarning: verdict?.warning });
      } catch (error) {
        if (error instanceof InboundRejection) throw new WebhookInputError(error.message);
        throw error;
      }
      return {
        events: mail.events,
        // Said before core stores the events: a redelivery racing the first one is answered
        // "forwarded" too, and core still forwards the mail once.
        reply: { body: JSON.stringify({ outcome: mail.outcome }), headers: { "content-type": "application/json" } },
      };
    },
  };
}
