/**
 * @module send/send-message — delivers one CRM message as SMS/MMS through Twilio.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  InvalidInputError,
  type OutgoingMessage,
  type GatewayRuntime,
  type SendContext,
  type SendResult,
} from "@switchboard/core";
import type { OptOuts } from "../db/opt-outs.js";
import { senderOf, type SmsSettings } from "../settings/form.js";
import type { TwilioClients } from "../twilio/client.js";
import { statusPath } from "../webhook/paths.js";
import { planAttachments } from "./attachments.js";
import { composeText } from "./compose.js";
import { headContentLength } from "./media-size.js";
import { contactToE164 } from "../contact/phone.js";

/** Twilio's code for a recipient who opted out; mirrored locally so later sends stop at once. */
const OPTED_OUT = 21610;

/** What the sender needs from the running gateway. */
export interface SenderDeps {
  clients: TwilioClients;
  runtime: GatewayRuntime<SmsSettings>;
  optOuts: OptOuts;
}

/** The gateway's `send`: one Twilio message per body part (media on the first), ids in order. */
export function createSender(deps: SenderDeps) {
  const { runtime, optOuts } = deps;
  return async (ctx: SendContext<SmsSettings>, message: OutgoingMessage): Promise<SendResult> => {
    const { tenant } = ctx;
    const saved = senderOf(tenant.settings);
    if (!saved) {
      throw new ChannelRefusedError("Twilio: the SMS gateway is not set up: save the Twilio settings first", {
        permanent: true,
      });
    }
    const { account, sender } = saved;
    const to = contactToE164(message.chat.contact, tenant.country);
    const optedOut = await optOuts.get(tenant.id, to);
    if (optedOut) {
      throw new ChannelRefusedError(
        `Twilio: ${to} has opted out (texted ${optedOut.keyword}), so nothing was sent; they can text START to opt back in`,
        { permanent: true, code: OPTED_OUT },
      );
    }

    const plan = await planAttachments(message.message.attachments, (uri) =>
      headContentLength(uri, { allowPrivate: runtime.config.allowPrivateUrls }),
    );
    const text = composeText(message.message.content, plan.links);
    if (text.bodies.length === 0 && plan.mediaUrls.length === 0)
      throw new InvalidInputError("Twilio: the message is empty");
    const bodies = text.bodies.length ? text.bodies : [""];

    const common = {
      to,
      ...(sender.kind === "number" ? { from: sender.phoneNumber } : { messagingServiceSid: sender.serviceSid }),
      ...(account.statusCallbacks !== false ? { statusCallback: runtime.publicUrl(statusPath(tenant.publicId)) } : {}),
    };
    const client = deps.clients.for(account);
    const sids: string[] = [];
    for (const [index, body] of bodies.entries()) {
      // A part Twilio took on an earlier try (before a failure or a restart) is never created again.
      let sid = await ctx.parts.get(index);
      if (!sid) {
        if (ctx.signal.aborted) throw new ChannelNetworkError("Twilio: shutting down before every part was sent");
        try {
          const media = index === 0 && plan.mediaUrls.length ? { mediaUrl: plan.mediaUrls } : {};
          sid = (await client.messages.create({ ...common, ...media, ...(body ? { body } : {}) })).sid;
        } catch (error) {
          if (error instanceof ChannelRefusedError && error.code === OPTED_OUT)
            await optOuts.optOut(tenant.id, to, "21610");
          throw error;
        }
        await ctx.parts.record(index, sid);
      }
      sids.push(sid);
    }
    return {
      ids: sids,
      details: {
        to,
        encoding: text.encoding,
        segments: text.segments,
        characters: text.characters,
        messages: sids.length,
        media: plan.mediaUrls.length,
        linkedAttachments: plan.links.length,
      },
    };
  };
}
