/**
 * @module settings/email-settings — the tenant's settings data read into a typed, defaulted object.
 */
import type { SettingsData } from "@switchboard/core";
import { normaliseAddress, parseMailbox, type Mailbox } from "./address.js";

/** SMTP account used for outgoing mail. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
}

/** A tenant's complete, valid email settings. */
export interface EmailSettings {
  smtp: SmtpSettings;
  from: Mailbox;
  /** The address customers write to, lower case. */
  inboundAddress: string;
  defaultSubject: string;
}

/** Reads settings data; undefined when the required parts are missing or invalid (not configured). */
export function readEmailSettings(data: SettingsData | undefined): EmailSettings | undefined {
  const smtp = data?.smtp ?? {};
  const mail = data?.mail ?? {};
  const host = str(smtp.host);
  const from = parseMailbox(str(mail.from));
  if (!host || !from) return undefined;
  const inbound = str(mail.inboundAddress);
  const inboundMailbox = inbound ? parseMailbox(inbound) : from;
  if (!inboundMailbox) return undefined;
  return {
    smtp: {
      host,
      port: toPort(smtp.port),
      secure: smtp.secure === true || smtp.secure === "true" || smtp.secure === 1,
      user: str(smtp.user),
      password: typeof smtp.password === "string" ? smtp.password : "",
    },
    from,
    inboundAddress: normaliseAddress(inboundMailbox.address),
    defaultSubject: str(mail.defaultSubject),
  };
}

/** The inbound address a settings form claims (explicit, else the from address), lower case. */
export function claimedInboundAddress(data: SettingsData | undefined): string | undefined {
  const mail = data?.mail ?? {};
  const mailbox = parseMailbox(str(mail.inboundAddress) || str(mail.from));
  return mailbox ? normaliseAddress(mailbox.address) : undefined;
}

function str(value: unknown): string {
  return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
}

function toPort(value: unknown): number {
  const port = typeof value === "number" ? value : Number.parseInt(str(value), 10);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 587;
}
