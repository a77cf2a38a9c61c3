/**
 * @module settings/verify — checks new settings against Twilio before they are saved, and points the
 * sender number's inbound SMS webhook at this gateway.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  SettingsValidationError,
  type GatewayRuntime,
  type SettingsToVerify,
  type Text,
} from "@switchboard/core";
import type { TwilioClient, TwilioClients } from "../twilio/client.js";
import { inboundPath } from "../webhook/paths.js";
import { senderOf, type SmsSettings } from "./form.js";

function fieldError(field: "accountSid" | "authToken" | "sender", message: Text): SettingsValidationError {
  return new SettingsValidationError({ main: { [field]: [message] } });
}

const unreachable: Text = {
  en_US: "Could not reach Twilio to check these credentials; try again in a moment",
  ru_RU: "Не удалось связаться с Twilio для проверки; попробуйте ещё раз через минуту",
};
const rejected: Text = {
  en_US: "Twilio rejected this Account SID and Auth Token (error 20003)",
  ru_RU: "Twilio не принял этот Account SID и Auth Token (ошибка 20003)",
};

/** Explains a failed Twilio call as an error on the field the user has to fix. */
function explain(error: unknown, step: "account" | "sender"): SettingsValidationError {
  if (error instanceof ChannelNetworkError) return fieldError("accountSid", unreachable);
  const code = error instanceof ChannelRefusedError ? error.code : undefined;
  if (code === 20003 || code === 401) return fieldError("authToken", rejected);
  const shown = String(code ?? "unknown");
  if (step === "account") {
    return fieldError("accountSid", {
      en_US: `Twilio could not find this account (error ${shown})`,
      ru_RU: `Twilio не нашёл этот аккаунт (ошибка ${shown})`,
    });
  }
  return fieldError("sender", {
    en_US: `Twilio refused to look up the sender (error ${shown})`,
    ru_RU: `Twilio отказался проверить отправителя (ошибка ${shown})`,
  });
}

async function checkAccount(client: TwilioClient, accountSid: string): Promise<void> {
  let status: string;
  try {
    status = (await client.api.v2010.accounts(accountSid).fetch()).status;
  } catch (error) {
    throw explain(error, "account");
  }
  if (status !== "active") {
    throw fieldError("accountSid", {
      en_US: `This Twilio account is ${status}`,
      ru_RU: `Этот аккаунт Twilio в состоянии ${status}`,
    });
  }
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
  if (!number) {
    throw fieldError("sender", {
      en_US: `${phoneNumber} is not a phone number of this Twilio account`,
      ru_RU: `${phoneNumber} — не номер этого аккаунта Twilio`,
    });
  }
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
      throw fieldError("sender", {
        en_US: "This Messaging Service does not exist in this Twilio account",
        ru_RU: "В этом аккаунте Twilio нет такого Messaging Service",
      });
    }
    throw explain(error, "sender");
  }
}

/**
 * The `verifySettings` hook: wrong credentials are a 400 on `authToken`, an unknown sender a 400
 * on `sender`; nothing is saved then. A phone-number sender gets its inbound URL configured.
 */
export function createVerifySettings(clients: TwilioClients, runtime: GatewayRuntime<SmsSettings>) {
  return async (input: SettingsToVerify<SmsSettings>): Promise<void> => {
    const saved = senderOf(input.settings);
    // The form's own validators already reported a malformed sender.
    if (!saved) return;
    const { account, sender } = saved;
    const client = clients.for(account);
    await checkAccount(client, account.accountSid);
    if (sender.kind === "number") {
      await configureNumber(client, sender.phoneNumber, runtime.publicUrl(inboundPath(input.tenant.publicId)));
    } else {
      await checkService(client, sender.serviceSid);
    }
  };
}
