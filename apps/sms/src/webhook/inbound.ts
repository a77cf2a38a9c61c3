/**
 * @module webhook/inbound — customers' SMS/MMS to the CRM, and their STOP/START keywords.
 */
import {
  WebhookInputError,
  type GatewayRuntime,
  type StoringWrite,
  type Tenant,
  type WebhookDefinition,
  type WebhookReply,
} from "@switchboard/core";
import { toE164 } from "../contact/phone.js";
import { optChangeOf } from "../opt-out/keywords.js";
import type { OptOuts } from "../db/opt-outs.js";
import type { SmsSettings } from "../settings/form.js";
import { mediaAttachments } from "./media.js";
import { INBOUND_ROUTE } from "./paths.js";
import { param } from "./signature.js";
import { twilioParams, verifyTwilioRequest, WEBHOOK_BODY_LIMIT } from "./twilio-request.js";

/** Empty TwiML: Twilio sends no automatic reply. */
const EMPTY_TWIML: WebhookReply = {
  body: "<Response></Response>",
  headers: { "Content-Type": "text/xml; charset=utf-8" },
};

/** What the inbound webhook needs from the running gateway. */
export interface InboundDeps {
  runtime: GatewayRuntime<SmsSettings>;
  optOuts: OptOuts;
  /** TWILIO_API_BASE_URL: the only origin media are fetched from. */
  apiBaseUrl: string;
}

/**
 * Twilio's inbound message webhook: each MessageSid is forwarded to the CRM once, a new STOP or
 * START changes the number's opt-out, and the answer is empty TwiML at once.
 */
export function inboundWebhook(deps: InboundDeps): WebhookDefinition<SmsSettings> {
  const { runtime } = deps;
  return {
    path: INBOUND_ROUTE,
    maxBytes: WEBHOOK_BODY_LIMIT,
    verify: verifyTwilioRequest(runtime.logger),
    parse(request, tenant) {
      const params = twilioParams(request);
      const sid = param(params, "MessageSid") ?? param(params, "SmsSid");
      if (!sid) throw new WebhookInputError("MessageSid is missing");
      const from = param(params, "From") ?? "";
      // Alphanumeric or short-code senders are not E.164; they are kept as Twilio gave them.
      const contact = toE164(from.replace(/^[a-z]+:/i, "")) ?? from;
      const body = param(params, "Body") ?? "";
      const { attachments, skipped } = mediaAttachments(tenant, params, runtime, deps.apiBaseUrl);
      // The manager still learns that something was sent, even when it cannot be shown.
      const text = skipped
        ? [body, `[${skipped} media file(s) could not be retrieved]`].filter((t) => t.trim()).join("\n")
        : body;
      if (!contact || (!text.trim() && attachments.length === 0)) {
        runtime.logger.info(
          { event: "sms.inbound_empty", tenant: tenant.id, channelMessageId: sid },
          "inbound message without sender or content; nothing to forward",
        );
        return { events: [], reply: EMPTY_TWIML };
      }
      const optOutType = param(params, "OptOutType");
      return {
        events: [
          {
            kind: "incoming",
            externalId: sid,
            message: {
              chat: { contact },
              message: { content: text.trim() ? { text, format: "text" } : null, attachments },
            },
            onStored: () => applyOptChange(deps, tenant, contact, body, optOutType),
          },
        ],
        reply: EMPTY_TWIML,
      };
    },
  };
}

function applyOptChange(
  deps: InboundDeps,
  tenant: Tenant<SmsSettings>,
  contact: string,
  body: string,
  optOutType: string | undefined,
): StoringWrite[] {
  const change = optChangeOf(body, optOutType);
  if (!change) return [];
  const write = deps.optOuts.changeWrite(
    tenant.id,
    contact,
    change.action === "opt-out" ? { optOut: change.keyword } : "opt-in",
  );
  deps.runtime.logger.info(
    { event: "sms.opt_in_changed", tenant: tenant.id, change: change.action, keyword: change.keyword },
    "recipient changed their SMS opt-in",
  );
  return [write];
}
