/**
 * @module gateways/email — the email gateway in the sandbox: an SMTP sink as the company's SMTP
 * account, the gateway's inbound SMTP server that customers' mail goes to, and mail programs.
 */
import { startSmtpSink } from "@switchboard/testkit/smtp";
import { MAIL_ACCOUNT } from "../channels.js";
import { EmailCustomers } from "../customers/email-customers.js";
import { addEmailRoutes } from "../web/email-routes.js";
import type { SandboxGateway } from "./sandbox-gateway.js";

/** The email gateway (`apps/email`). */
export const emailSandbox: SandboxGateway = {
  name: "email",
  label: "Email",
  packageName: "@switchboard/email",
  ports: {
    http: { variable: "EMAIL_PORT", fallback: 8083 },
    smtpInbound: { variable: "SMTP_INBOUND_PORT", fallback: 2525 },
  },
  variablePrefixes: ["SMTP_INBOUND_"],
  contactPlaceholder: "ann@example.org",
  // Addresses compare case-insensitively, and each subject is a thread of its own.
  conversations: { caseInsensitiveContacts: true, threadsBySubject: true },
  async start({ ports, uploads, publish }) {
    const sink = await startSmtpSink({ auth: { user: MAIL_ACCOUNT.user, password: MAIL_ACCOUNT.password } });
    const smtpInbound = ports.smtpInbound!;
    const customers = new EmailCustomers(sink, smtpInbound, uploads, (address) => publish({ address }));
    return {
      env: {
        SMTP_INBOUND_PORT: String(smtpInbound),
        SMTP_INBOUND_HOST: "127.0.0.1",
        // The company's SMTP account is the sandbox's sink on loopback.
        SWITCHBOARD_ALLOW_PRIVATE_SMTP: "true",
        // The sandbox owns its made-up domain; no DNS record can prove it.
        SMTP_INBOUND_VERIFIED_DOMAINS: MAIL_ACCOUNT.address.split("@")[1]!,
        // No DNS to ask on a machine without network: SPF/DKIM/DMARC lookups would only wait.
        SMTP_INBOUND_SENDER_CHECKS: "false",
      },
      settings: {
        smtp: {
          host: sink.host,
          port: sink.port,
          secure: false,
          // The sandbox's SMTP sink on loopback speaks no TLS; a real account never needs this.
          allowPlaintext: true,
          user: MAIL_ACCOUNT.user,
          password: MAIL_ACCOUNT.password,
        },
        mail: {
          from: MAIL_ACCOUNT.from,
          inboundAddress: MAIL_ACCOUNT.address,
          defaultSubject: MAIL_ACCOUNT.defaultSubject,
        },
      },
      page: "email.html",
      addRoutes: (app, store) => addEmailRoutes(app, customers, store),
      failureReason: (contact) => customers.failureReason(contact),
      async close() {
        customers.close();
        await sink.close();
      },
    };
  },
};
