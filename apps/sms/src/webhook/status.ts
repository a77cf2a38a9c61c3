/**
 * @module webhook/status — Twilio's delivery status callbacks as CRM statuses.
 */
import {
  ownEntry,
  type GatewayRuntime,
  type MessageStatus,
  type WebhookDefinition,
  type WebhookReply,
} from "@switchboard/core";
import { toE164 } from "../contact/phone.js";
import type { OptOuts } from "../db/opt-outs.js";
import type { SmsSettings } from "../settings/form.js";
import { STATUS_ROUTE } from "./paths.js";
import { param } from "./signature.js";
import { twilioParams, verifyTwilioRequest, WEBHOOK_BODY_LIMIT } from "./twilio-request.js";

/** What common delivery error codes mean, for the error reason. */
const ERROR_HINTS: Record<string, string> = {
  "30003": "the handset is unreachable (off or out of coverage)",
  "30004": "the message was blocked (the recipient may have blocked the sender)",
  "30005": "the number does not exist or is no longer in service",
  "30006": "the number is a landline or cannot receive SMS",
  "30007": "the carrier filtered the message as spam",
  "30008": "the carrier gave no reason",
  "21610": "the recipient has opted out (STOP)",
};

/** What the status callback needs from the running gateway. */
export interface StatusDeps {
  runtime: GatewayRuntime<SmsSettings>;
  optOuts: OptOuts;
}

/** Twilio expects no body from a status callback. */
const NO_CONTENT: WebhookReply = { status: 204 };

/** The CRM status a Twilio `MessageStatus` means; queued/sending/sent and the rest add nothing. */
export function mapTwilioStatus(status: string): MessageStatus | undefined {
  switch (status.toLowerCase()) {
    case "delivered":
      return "delivered";
    case "read":
      return "read";
    case "undelivered":
    case "failed":
      return "error";
    default:
      return undefined;
  }
}

/** The reason stored with an error status: Twilio's status, code and message. */
export function errorReason(status: string, code: string | undefined, message: string | undefined): string {
  const hint = code ? ownEntry(ERROR_HINTS, code) : undefined;
  return [`Twilio: ${status}`, code && `error ${code}`, message, hint].filter(Boolean).join(", ");
}

/**
 * The status callback: verified like inbound, then a status by MessageSid. Core keeps statuses
 * forward-only and reports each once, so late or repeated callbacks change nothing. A 21610
 * (the recipient opted out) is mirrored locally so later sends stop at once.
 */
export function statusWebhook(deps: StatusDeps): WebhookDefinition<SmsSettings> {
  return {
    path: STATUS_ROUTE,
    maxBytes: WEBHOOK_BODY_LIMIT,
    verify: verifyTwilioRequest(deps.runtime.logger),
    async parse(request, tenant) {
      const params = twilioParams(request);
      const sid = param(params, "MessageSid") ?? param(params, "SmsSid");
      const twilioStatus = param(params, "MessageStatus") ?? param(params, "SmsStatus") ?? "";
      const status = mapTwilioStatus(twilioStatus);
      if (!sid || !status) return { events: [], reply: NO_CONTENT };
      const code = param(params, "ErrorCode");
      if (code === "21610") {
        const to = toE164(param(params, "To") ?? "");
        if (to) await deps.optOuts.optOut(tenant.id, to, "21610");
      }
      const reason = status === "error" ? errorReason(twilioStatus, code, param(params, "ErrorMessage")) : undefined;
      return {
        events: [{ kind: "status", channelMessageId: sid, status, ...(reason ? { reason } : {}) }],
        reply: NO_CONTENT,
      };
    },
  };
}
