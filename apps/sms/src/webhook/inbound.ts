/**
 * @module webhook/inbound — customers' SMS/MMS to the CRM, and their STOP/START keywords.
 */
import type { GatewayRuntime, PluginReference } from "@switchboard/core";
import type { Context } from "hono";
import { optChangeOf } from "../opt-out/keywords.js";
import { OptOuts } from "../db/opt-outs.js";
import { toE164 } from "../send/phone.js";
import { mediaAttachments } from "./media.js";
import { inboundPath } from "./paths.js";
import { param } from "./signature.js";
import { verifyTwilioRequest } from "./twilio-request.js";

/** Empty TwiML: Twilio sends no automatic reply. */
const EMPTY_TWIML = "<Response></Response>";

/**
 * Handles Twilio's inbound message webhook: verifies it, stores the message in core's durable CRM
 * outbox (each MessageSid once), mirrors opt-outs, and answers empty TwiML at once.
 */
export function createInboundHandler(apiBaseUrl: string) {
  return async (c: Context, runtime: GatewayRuntime): Promise<Response> => {
    const { tenant, params } = await verifyTwilioRequest(c, runtime, inboundPath);
    const sid = param(params, "MessageSid") ?? param(params, "SmsSid");
    if (!sid) return c.json({ code: 400, message: "MessageSid is missing" }, 400);
    const from = param(params, "From") ?? "";
    // Alphanumeric or short-code senders are not E.164; they are kept as Twilio gave them.
    const contact = toE164(from.replace(/^[a-z]+:/i, "")) ?? from;
    const body = param(params, "Body") ?? "";
    const { attachments, skipped } = mediaAttachments(tenant, params, runtime, apiBaseUrl);
    // The manager still learns that something was sent, even when it cannot be shown.
    const text = skipped
      ? [body, `[${skipped} media file(s) could not be retrieved]`].filter((t) => t.trim()).join("\n")
      : body;
    if (!contact || (!text.trim() && attachments.length === 0)) {
      runtime.logger.info({ sid }, "inbound message without sender or content; nothing to forward");
      return twiml(c);
    }
    const isNew = runtime.forwardIncoming(
      tenant,
      { chat: { contact }, message: { content: text.trim() ? { text, format: "text" } : null, attachments } },
      { externalId: sid },
    );
    if (isNew) applyOptChange(runtime, tenant.ref, contact, body, param(params, "OptOutType"));
    return twiml(c);
  };
}

function applyOptChange(
  runtime: GatewayRuntime,
  ref: PluginReference,
  contact: string,
  body: string,
  optOutType: string | undefined,
): void {
  const change = optChangeOf(body, optOutType);
  if (!change) return;
  const store = new OptOuts(runtime.db);
  if (change.action === "opt-out") store.optOut(ref, contact, change.keyword);
  else store.optIn(ref, contact);
  runtime.logger.info({ action: change.action, keyword: change.keyword }, "recipient changed their SMS opt-in");
}

function twiml(c: Context): Response {
  return c.body(EMPTY_TWIML, 200, { "Content-Type": "text/xml; charset=utf-8" });
}
