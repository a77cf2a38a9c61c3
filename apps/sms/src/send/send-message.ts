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
import { OptOuts } from "../db/opt-outs.js";
import { requireSettings } from "../settings/form.js";
import type { TwilioClients } from "../twilio/client.js";
import { statusPath } from "../webhook/paths.js";
import { planAttachments } from "./attachments.js";
import { composeText } from "./compose.js";
import { headContentLength } from "./media-size.js";
import { contactToE164 } from "./phone.js";
import { sentParts } from "./sent-parts.js";

/** Twilio's code for a recipient who opted out; mirrored locally so later sends stop at once. */
const OPTED_OUT = 21610;

/** Dependencies of the sender. */
export interface SenderDeps {
  clients: TwilioClients;
  runtime: GatewayRuntime;
  /** Size of an image URI, for the MMS 5 MB limit (default: a HEAD request). */
  sizeOf?: (uri: string, allowPrivate: boolean) => Promise<number | undefined>;
}

/** The gateway's `send`: one Twilio message per body part (media on the first), ids in order. */
export function createSend(deps: SenderDeps) {
  const sizeOf = deps.sizeOf ?? ((uri, allowPrivate) => headContentLength(uri, { allowPrivate }));
  return async (ctx: SendContext, message: OutgoingMessage): Promise<SendResult> => {
    const { tenant } = ctx;
    const { runtime } = deps;
    const settings = requireSettings(tenant.settings);
    const to = contactToE164(message.chat.contact, tenant.registration.country);
    const optOuts = new OptOuts(runtime.db);
    const optedOut = optOuts.get(tenant.ref, to);
    if (optedOut) {
      throw new ChannelRefusedError(
        `[sms] ${to} has opted out (texted ${optedOut.keyword}), so nothing was sent; they can text START to opt back in`,
        { permanent: true, code: OPTED_OUT },
      );
    }

    const plan = await planAttachments(message.message.attachments, (uri) =>
      sizeOf(uri, runtime.config.allowPrivateUrls),
    );
    const text = composeText(message.message.content, plan.links);
    if (text.bodies.length === 0 && plan.mediaUrls.length === 0)
      throw new InvalidInputError("[sms] The message is empty");
    const bodies = text.bodies.length ? text.bodies : [""];

    const sender = settings.parsedSender;
    const common = {
      to,
      ...(sender.kind === "number" ? { from: sender.phoneNumber } : { messagingServiceSid: sender.serviceSid }),
      ...(settings.statusCallbacks ? { statusCallback: runtime.publicUrl(statusPath(tenant.publicId)) } : {}),
    };
    const client = deps.clients.for(settings);
    const parts = sentParts(runtime.db);
    const already = parts.created(message.queueId);
    const sids: string[] = [];
    for (const [index, body] of bodies.entries()) {
      let sid = already.get(index);
      if (!sid) {
        if (ctx.signal.aborted) throw new ChannelNetworkError("[sms] Shutting down before every part was sent");
        try {
          const media = index === 0 && plan.mediaUrls.length ? { mediaUrl: plan.mediaUrls } : {};
          sid = (await client.messages.create({ ...common, ...media, ...(body ? { body } : {}) })).sid;
        } catch (error) {
          if (error instanceof ChannelRefusedError && error.code === OPTED_OUT) optOuts.optOut(tenant.ref, to, "21610");
          throw error;
        }
        parts.record(tenant.ref, message.queueId, index, sid);
      }
      sids.push(sid);
    }
    parts.pruneOld();
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
