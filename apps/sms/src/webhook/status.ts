/**
 * @module webhook/status — Twilio's delivery status callbacks as CRM statuses.
 */
import { ownEntry, type GatewayRuntime, type MessageStatus } from "@switchboard/core";
import type { Context } from "hono";
import { OptOuts } from "../db/opt-outs.js";
import { toE164 } from "../send/phone.js";
import { statusPath } from "./paths.js";
import { param } from "./signature.js";
import { verifyTwilioRequest } from "./twilio-request.js";

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
 * Handles a status callback: verified like inbound, then reported by MessageSid. Core keeps
 * statuses forward-only and reports each once, so late or repeated callbacks change nothing.
 */
export async function handleStatusCallback(c: Context, runtime: GatewayRuntime): Promise<Response> {
  const { tenant, params } = await verifyTwilioRequest(c, runtime, statusPath);
  const sid = param(params, "MessageSid") ?? param(params, "SmsSid");
  const twilioStatus = param(params, "MessageStatus") ?? param(params, "SmsStatus") ?? "";
  const status = mapTwilioStatus(twilioStatus);
  if (!sid || !status) return c.body(null, 204);
  const code = param(params, "ErrorCode");
  const reason = status === "error" ? errorReason(twilioStatus, code, param(params, "ErrorMessage")) : undefined;
  const moved = runtime.reportStatus(tenant, sid, status, reason ? { reason } : {});
  if (code === "21610") {
    const to = toE164(param(params, "To") ?? "");
    if (to) new OptOuts(runtime.db).optOut(tenant.ref, to, "21610");
  }
  runtime.logger.debug({ sid, twilioStatus, status, moved }, "status callback");
  return c.body(null, 204);
}
