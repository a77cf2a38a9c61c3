/**
 * @module settings/verify-settings — checks new settings before they are saved: the SMTP host must
 * be allowed by the address policy, the account must answer `verify()` over TLS (unless the tenant
 * allowed unencrypted connections), and no other tenant may receive mail at the same inbound address.
 * Errors are in English and Russian; core shows the CRM's language.
 */
import { SettingsValidationError, type GatewayRuntime, type SettingsToVerify, type Text } from "@switchboard/core";
import nodemailer from "nodemailer";
import type { OutboundSmtpOptions } from "../services.js";
import { PrivateSmtpHostError, resolveSmtpDestination, UnresolvableSmtpHostError } from "../send/smtp-destination.js";
import { NO_STARTTLS_TEXT, smtpFailureText, type FailureText } from "../send/smtp-failure.js";
import { smtpConnectionOptions } from "../send/smtp-options.js";
import type { EmailSettings, SmtpAccount } from "./form.js";
import { claimedInboundAddress, tenantAddresses } from "./tenant-addresses.js";

type FieldErrors = Record<string, Record<string, Text[]>>;

const PRIVATE_HOST: Text = {
  en_US: "The SMTP server is on a private or local network; only public SMTP servers may be used",
  ru_RU: "SMTP-сервер находится в частной или локальной сети; можно использовать только публичные SMTP-серверы",
};

const UNRESOLVABLE_HOST: Text = {
  en_US: "The SMTP server name could not be resolved",
  ru_RU: "Не удалось найти адрес SMTP-сервера по его имени",
};

/** The `verifySettings` hook: throws `SettingsValidationError` (400 on the field) when they are not usable. */
export async function verifySettings(
  input: SettingsToVerify<EmailSettings>,
  runtime: GatewayRuntime<EmailSettings>,
  outbound: OutboundSmtpOptions,
): Promise<void> {
  const { smtp, mail } = input.settings;
  if (!tenantAddresses(mail)) {
    throw new SettingsValidationError({
      mail: {
        from: [
          {
            en_US: "Enter the SMTP server and a valid From address",
            ru_RU: "Укажите SMTP-сервер и правильный адрес отправителя",
          },
        ],
      },
    });
  }
  const claimed = claimedInboundAddress(mail);
  const taken = (await runtime.tenants.all()).some(
    (tenant) => tenant.id !== input.tenant.id && claimedInboundAddress(tenant.settings.mail) === claimed,
  );
  if (taken) {
    const field = mail.inboundAddress ? "inboundAddress" : "from";
    throw new SettingsValidationError({
      mail: {
        [field]: [
          {
            en_US: `${claimed} already receives mail for another account`,
            ru_RU: `${claimed} уже получает почту для другого аккаунта`,
          },
        ],
      },
    });
  }
  const errors = await checkSmtpAccount(smtp, outbound);
  if (errors) throw new SettingsValidationError(errors);
}

/** `SMTP: …`, the gateway's one prefix for what the SMTP server did, in both languages. */
function smtpError(text: FailureText): Text {
  return { en_US: `SMTP: ${text.en_US}`, ru_RU: `SMTP: ${text.ru_RU}` };
}

/** Resolves and checks the host, connects, says EHLO, upgrades to TLS and logs in; a fixed reason on failure. */
async function checkSmtpAccount(smtp: SmtpAccount, outbound: OutboundSmtpOptions): Promise<FieldErrors | undefined> {
  let destination;
  try {
    destination = await resolveSmtpDestination(smtp.host, outbound);
  } catch (error) {
    if (error instanceof PrivateSmtpHostError) return { smtp: { host: [PRIVATE_HOST] } };
    if (error instanceof UnresolvableSmtpHostError) return { smtp: { host: [UNRESOLVABLE_HOST] } };
    throw error;
  }
  const transport = nodemailer.createTransport({
    ...smtpConnectionOptions(smtp, destination, outbound),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.verify();
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const text = smtpFailureText(error);
    // Shown next to the checkbox that would allow it, which is the only way round it.
    if (text === NO_STARTTLS_TEXT) return { smtp: { allowPlaintext: [smtpError(text)] } };
    const field = code === "EAUTH" ? (smtp.user ? "password" : "user") : "host";
    return { smtp: { [field]: [smtpError(text)] } };
  } finally {
    transport.close();
  }
}
