/**
 * @module send/smtp-options — nodemailer SMTP options from a tenant's SMTP settings.
 */
import type SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import type { SmtpSettings } from "../settings/email-settings.js";

/** Connection options shared by the pooled sender and the settings check. */
export function smtpConnectionOptions(smtp: SmtpSettings): SMTPConnection.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    // Without implicit TLS nodemailer still upgrades with STARTTLS whenever the server offers it.
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    // nodemailer's own logger could print AUTH exchanges; the gateway logs outcomes itself.
    logger: false,
    debug: false,
  };
}

/** A fingerprint of the settings a transport was built from, to notice changes. */
export function smtpFingerprint(smtp: SmtpSettings): string {
  return JSON.stringify([smtp.host, smtp.port, smtp.secure, smtp.user, smtp.password]);
}
