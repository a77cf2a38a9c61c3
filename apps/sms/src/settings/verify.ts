/**
 * @module settings/verify — checks new settings against Twilio before they are saved, and points the
 * sender number's inbound SMS webhook at this gateway.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  SettingsValidationError,
  type GatewayRuntime,
  type SettingsData,
} from "@switchboard/core";
import type { TwilioClient, TwilioClients } from "../twilio/client.js";
import { inboundPath } from "../webhook/paths.js";
import { parseSender, readSettings, type Sender } from "./form.js";

function fieldError(field: "accountSid" | "authToken" | "sender", message: string): SettingsValidationError {
  return new SettingsValidationError({ main: { [field]: [message] } });
}

/** Explains a failed Twilio call as an error on the field the user has to fix. */
function explain(error: unknown, step: "account" | "sender"): SettingsValidationError {
  if (error instanceof ChannelNetworkError) {
    return fieldError("accountSid", "Could not reach Twilio to check these credentials; try again in a moment");
  }
  const code = error instanceof ChannelRefusedError ? error.code : undefined;
  if (code === 20003 || code === 401) {
    return fieldError("authToken", "Twilio rejected this Account SID and Auth Token (error 20003)");
  }
  if (step === "account")
    return fieldError("accountSid", `Twilio could not find this account (error ${code ?? "unknown"})`);
  return fieldError("sender", `Twilio refused to look up the sender (error ${code ?? "unknown"})`);
}

async function checkAccount(client: TwilioClient, accountSid: string): Promise<void> {
  let status: string;
  try {
    status = (await client.api.v2010.accounts(accountSid).fetch()).status;
  } catch (error) {
    throw explain(error, "account");
  }
  if (status !== "active") throw fieldError("accountSid", `This Twilio account is ${status}`);
}

/** Sets the number's SmsUrl to our inbound webhook (POST) unless it already is. */
async function configureNumber(client: TwilioClient, phoneNumber: string, inboundUrl: string): Promise<void> {
  let numbers;
  try {
    numbers = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 20 });
  } catch (error) {
    throw explain(error, "sender");
  }
  const number = numbers.find((n) => n.phoneNumber === phoneNumber);
  if (!number) throw fieldError("sender", `${phoneNumber} is not a phone number of this Twilio account`);
  if (number.smsUrl === inboundUrl && number.smsMethod?.toUpperCase() === "POST") return;
  try {
    await client.incomingPhoneNumbers(number.sid).update({ smsUrl: inboundUrl, smsMethod: "POST" });
  } catch (error) {
    throw explain(error, "sender");
  }
}

async function checkService(client: TwilioClient, serviceSid: string): Promise<void> {
  try {
    await client.messaging.v1.services(serviceSid).fetch();
  } catch (error) {
    if (error instanceof ChannelRefusedError && (error.code === 20404 || error.code === 404)) {
      throw fieldError("sender", "This Messaging Service does not exist in this Twilio account");
    }
    throw explain(error, "sender");
  }
}

/**
 * The `verifySettings` hook: wrong credentials are a 400 on `authToken`, an unknown sender a 400
 * on `sender`; nothing is saved then. A phone-number sender gets its inbound URL configured.
 */
export function createVerifySettings(clients: TwilioClients, runtime: GatewayRuntime) {
  return async (input: { publicId: string; settings: SettingsData }): Promise<void> => {
    const settings = readSettings(input.settings);
    const sender: Sender | undefined = settings && parseSender(settings.sender);
    // The form's own validators already reported missing or malformed fields.
    if (!settings || !sender) return;
    const client = clients.for(settings);
    await checkAccount(client, settings.accountSid);
    if (sender.kind === "number") {
      await configureNumber(client, sender.phoneNumber, runtime.publicUrl(inboundPath(input.publicId)));
    } else {
      await checkService(client, sender.serviceSid);
    }
  };
}
