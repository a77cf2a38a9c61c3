/**
 * @module settings/verify-settings — checks new settings before they are saved: the SMTP account
 * must answer `verify()` and no other tenant may receive mail at the same inbound address.
 */
import {
  SettingsValidationError,
  type GatewayRuntime,
  type PluginReference,
  type SettingsData,
} from "@switchboard/core";
import nodemailer from "nodemailer";
import { smtpConnectionOptions } from "../send/smtp-options.js";
import { claimedInboundAddress, readEmailSettings } from "./email-settings.js";

type FieldErrors = Record<string, Record<string, string[]>>;

function sameRef(a: PluginReference, b: PluginReference): boolean {
  return a.companyId === b.companyId && a.pluginAlias === b.pluginAlias && a.pluginId === b.pluginId;
}

/** The `verifySettings` hook: throws `SettingsValidationError` (400 on the field) when they are not usable. */
export async function verifyEmailSettings(
  input: { ref: PluginReference; settings: SettingsData },
  runtime: GatewayRuntime,
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
  const errors = await checkSmtpAccount(settings.smtp);
  if (errors) throw new SettingsValidationError(errors);
}

/** Connects, says EHLO, upgrades to TLS when offered and logs in; the server's reason on failure. */
async function checkSmtpAccount(smtp: Parameters<typeof smtpConnectionOptions>[0]): Promise<FieldErrors | undefined> {
  const transport = nodemailer.createTransport({
    ...smtpConnectionOptions(smtp),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.verify();
    return undefined;
  } catch (error) {
    const e = error as Error & { code?: string; response?: string };
    const reason = (e.response ?? e.message).trim();
    const field = e.code === "EAUTH" ? (smtp.user ? "password" : "user") : "host";
    return { smtp: { [field]: [`SMTP check failed: ${reason}`] } };
  } finally {
    transport.close();
  }
}
