/**
 * @module send/send-message — one outgoing CRM message as one `POST /messages` to the channel.
 */
import { ChannelRefusedError, InvalidInputError, type GatewayInstance } from "@switchboard/core";
import type { EchoApi } from "../channel/api.js";
import type { EchoSettings } from "../settings/form.js";

/** The longest contact the channel takes (its user ids are short opaque strings). */
export const MAX_CONTACT_LENGTH = 256;

/**
 * The queue's `send`: the text and the attachments' CRM links (the channel downloads them) in one
 * request; the channel's id of the message comes back, and its statuses come by it.
 */
export function createSender(api: EchoApi): GatewayInstance<EchoSettings>["send"] {
  return async ({ tenant, signal }, { chat, message }) => {
    const to = chat.contact.trim();
    if (!to || to.length > MAX_CONTACT_LENGTH) {
      throw new InvalidInputError(`Echo: a contact is 1 to ${MAX_CONTACT_LENGTH} characters`);
    }
    const text = message.content?.text ?? "";
    const attachments = message.attachments.map((a) => ({ url: a.uri, name: a.name, type: a.type }));
    if (!text.trim() && attachments.length === 0) throw new InvalidInputError("Echo: the message is empty");
    const account = tenant.settings.channel; // absent until the settings are first saved
    if (!account)
      throw new ChannelRefusedError("Echo: no channel account is saved in the settings", { permanent: true });
    return api.sendMessage(account, { to, text, attachments }, signal);
  };
}
