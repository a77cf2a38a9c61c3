/**
 * @module settings/verify-settings — checks new settings before they are saved: the SMTP host must
 * be allowed by the address policy, the account must answer `verify()` over TLS (unless the tenant
 * allowed unencrypted connections), and no other tenant may receive mail at the same inbound address.
 */
import {
  SettingsValidationError,
  type GatewayRuntime,
  type PluginReference,
  type SettingsData,
} from "@switchboard/core";
import nodemailer from "nodemailer";
import type { OutboundSmtpOptions } from "../services.js";
import { PrivateSmtpHostError, resolveSmtpDestination, UnresolvableSmtpHostError } from "../send/smtp-destination.js";
import { NO_STARTTLS_TEXT, smtpFailureText } from "../send/smtp-failure.js";
import { smtpConnectionOptions } from "../send/smtp-options.js";
import { claimedInboundAddress, readEmailSettings, type SmtpSettings } from "./email-settings.js";

type FieldErrors = Record<string, Record<string, string[]>>;

function sameRef(a: PluginReference, b: PluginReference): boolean {
  return a.companyId === b.companyId && a.pluginAlias === b.pluginAlias && a.pluginId === b.pluginId;
}

/** The `verifySettings` hook: throws `SettingsValidationError` (400 on the field) when they are not usable. */
export async function verifyEmailSettings(
  input: { ref: PluginReference; settings: SettingsData },
  runtime: GatewayRuntime,
  outbound: OutboundSmtpOptions,
): Promise<void> {
  const settings = readEmailSettings(input.settings);
  if (!settings) {
    throw new SettingsValidationError({ mail: { from: ["Enter the SMTP server and a valid From address"] } });
  }
  const claimed = claimedInboundAddress(input.settings);
  const taken = runtime.tenants
    .all()
    .some((tenant) => !sameRef(tenant.ref, input.ref) && claimedInboundAddress(tenant.settings) === claimed);
  if (taken) {
    const field =
      typeof input.settings.mail?.inboundAddress === "string" && input.settings.mail.inboundAddress.trim()
        ? "inboundAddress"
        : "from";
    throw new SettingsValidationError({ mail: { [field]: [`${claimed} already receives mail for another account`] } });
  }
  const errors = await checkSmtpAccount(settings.smtp, outbound);
  if (errors) throw new SettingsValidationError(errors);
}

/** Resolves and checks the host, connects, says EHLO, upgrades to TLS and logs in; a fixed reason on failure. */
async function checkSmtpAccount(smtp: SmtpSettings, outbound: OutboundSmtpOptions): Promise<FieldErrors | undefined> {
  let destination;
  try {
    destination = await resolveSmtpDestination(smtp.host, outbound);
  } catch (error) {
    if (error instanceof PrivateSmtpHostError || error instanceof UnresolvableSmtpHostError) {
      return { smtp: { host: [error.message] } };
    }
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
    if (text === NO_STARTTLS_TEXT) return { smtp: { allowPlaintext: [text] } };
    const field = code === "EAUTH" ? (smtp.user ? "password" : "user") : "host";
    return { smtp: { [field]: [`SMTP check failed: ${text}`] } };
  } finally {
    transport.close();
  }
}
