/**
 * @module channels/sms — the SMS bundle against the fake Twilio.
 */
import { waitFor } from "@switchboard/testkit";
import { startFakeTwilio } from "@switchboard/testkit/twilio";
import { sendAccepted, waitForIncoming, type ChannelRig } from "./channel-rig.js";

const CUSTOMER = "+14155550123";

/** Starts the fake Twilio with the tenant's account and number. */
export async function startSmsRig(): Promise<ChannelRig> {
  const twilio = await startFakeTwilio();
  const account = twilio.addAccount();
  const number = twilio.addPhoneNumber(account.sid, "+14155550100");
  return {
    env: { TWILIO_API_BASE_URL: twilio.url },
    settings: {
      main: {
        accountSid: account.sid,
        authToken: account.authToken,
        sender: number.phoneNumber,
        statusCallbacks: true,
      },
    },
    async sendToCustomer(gateway, crmMessageId, text) {
      await sendAccepted(gateway, { contact: CUSTOMER, crmMessageId, text });
      await waitFor(() => twilio.messages.some((m) => m.to === CUSTOMER && m.body === text), 20_000);
    },
    async receiveFromCustomer(gateway, text) {
      // Saving the settings pointed the number's inbound webhook at the bundle.
      const inboundUrl = number.smsUrl;
      if (!inboundUrl) throw new Error("saving the settings set no inbound webhook on the number");
      const params = twilio.inboundParams({
        accountSid: account.sid,
        from: CUSTOMER,
        to: number.phoneNumber,
        body: text,
      });
      const res = await twilio.sendInbound(inboundUrl, params, account.authToken);
      if (!res.ok) throw new Error(`the inbound webhook answered ${res.status}: ${await res.text()}`);
      await waitForIncoming(gateway, text);
    },
    close: () => twilio.close(),
  };
}
