/**
 * @module send/smtp-options — nodemailer SMTP options from a tenant's SMTP settings and its checked destination.
 */
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { SmtpAccount } from "../settings/form.js";
import type { SmtpDestination } from "./smtp-destination.js";

/** The submission port, when the settings name none (the form's default). */
const DEFAULT_SMTP_PORT = 587;

/** What every outgoing SMTP connection of a gateway shares. */
export interface SmtpClientOptions {
  /** Extra trusted CA certificates (PEM) for servers with a private CA, e.g. tests' self-signed certificate. */
  ca?: string;
}

/** Connection options shared by the pooled sender and the settings check. */
export function smtpConnectionOptions(
  smtp: SmtpAccount,
  destination: SmtpDestination,
  client: SmtpClientOptions = {},
): SMTPTransport.Options {
  const secure = smtp.secure === true;
  return {
    // The checked address, not the name: a second DNS answer could point somewhere else.
    host: destination.address,
    port: smtp.port ?? DEFAULT_SMTP_PORT,
    secure,
    // Without implicit TLS the login and the mail must go over STARTTLS, unless the tenant ticked
    // "allow unencrypted connection"; then STARTTLS is still used whenever the server offers it.
    requireTLS: !secure && smtp.allowPlaintext !== true,
    tls: {
      servername: destination.servername,
      minVersion: "TLSv1.2",
      ...(client.ca ? { ca: client.ca } : {}),
    },
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    // nodemailer's own logger could print AUTH exchanges; the gateway logs outcomes itself.
    logger: false,
    debug: false,
  };
}

/** A fingerprint of the settings and address a transport was built from, to notice changes. */
export function smtpFingerprint(smtp: SmtpAccount, destination: SmtpDestination): string {
  return JSON.stringify([
    smtp.host,
    smtp.port,
    smtp.secure,
    smtp.allowPlaintext,
    smtp.user,
    smtp.password,
    destination.address,
  ]);
}
