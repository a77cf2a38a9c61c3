/**
 * @module settings/email-settings — the tenant's settings data read into a typed, defaulted object.
 * Each settings object is read once: the inbound server looks every tenant's address up per RCPT,
 * and address parsing must not run again for every recipient of every connection.
 */
import type { SettingsData } from "@switchboard/core";
import { MAX_ADDRESS_LENGTH, normaliseAddress, parseMailbox, type Mailbox } from "./address.js";

/** SMTP account used for outgoing mail. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465 style); otherwise STARTTLS, required unless `allowPlaintext`. */
  secure: boolean;
  /** The tenant ticked "allow unencrypted connection": log in and send without TLS when none is offered. */
  allowPlaintext: boolean;
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

/** Longest host name (RFC 1035). */
export const MAX_HOST_LENGTH = 253;

const readCache = new WeakMap<SettingsData, EmailSettings | null>();
const claimCache = new WeakMap<SettingsData, string | null>();

/** Reads settings data; undefined when the required parts are missing or invalid (not configured). */
export function readEmailSettings(data: SettingsData | undefined): EmailSettings | undefined {
  if (!data) return undefined;
  let settings = readCache.get(data);
  if (settings === undefined) {
    settings = read(data) ?? null;
    readCache.set(data, settings);
  }
  return settings ?? undefined;
}

function read(data: SettingsData): EmailSettings | undefined {
  const smtp = data.smtp ?? {};
  const mail = data.mail ?? {};
  const host = str(smtp.host);
  const from = parseMailbox(str(mail.from));
  if (!host || host.length > MAX_HOST_LENGTH || !from) return undefined;
  const inbound = str(mail.inboundAddress);
  const inboundMailbox = inbound ? parseMailbox(inbound) : from;
  if (!inboundMailbox) return undefined;
  const user = str(smtp.user);
  if (user.length > MAX_ADDRESS_LENGTH) return undefined;
  return {
    smtp: {
      host,
      port: toPort(smtp.port),
      secure: flag(smtp.secure),
      allowPlaintext: flag(smtp.allowPlaintext),
      user,
      password: typeof smtp.password === "string" ? smtp.password : "",
    },
    from,
    inboundAddress: normaliseAddress(inboundMailbox.address),
    defaultSubject: str(mail.defaultSubject),
  };
}

/** The inbound address a settings form claims (explicit, else the from address), lower case. */
export function claimedInboundAddress(data: SettingsData | undefined): string | undefined {
  if (!data) return undefined;
  let claimed = claimCache.get(data);
  if (claimed === undefined) {
    const mail = data.mail ?? {};
    const mailbox = parseMailbox(str(mail.inboundAddress) || str(mail.from));
    claimed = mailbox ? normaliseAddress(mailbox.address) : null;
    claimCache.set(data, claimed);
  }
  return claimed ?? undefined;
}

function str(value: unknown): string {
  return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
}

function flag(value: unknown): boolean {
  return value === true || value === "true" || value === 1;
}

function toPort(value: unknown): number {
  const port = typeof value === "number" ? value : Number.parseInt(str(value), 10);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 587;
}
