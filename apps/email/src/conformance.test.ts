import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startGateway } from "@switchboard/core";
import {
  conformanceEnv,
  type ConformanceCrm,
  runConformanceSuite,
  type TenantIndex,
  type WebhookCredentials,
  type WebhookPost,
} from "@switchboard/testkit/conformance";
import { startSmtpSink, type SmtpSink } from "@switchboard/testkit/smtp";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import { email } from "./gateway.js";
import { dsnMessage } from "./test/dsn-message.js";
import { fixedDnsResolver } from "./test/fixed-dns.js";
import { TEST_OUTBOUND, TEST_TLS } from "./test/testbed.js";

// Each company has its own SMTP account (a sink) and inbound address.
const accounts = [
  { user: "conformance-a", password: "secret-a", address: "desk@company-a.test" },
  { user: "conformance-b", password: "secret-b", address: "desk@company-b.test" },
] as const;
let sinks: SmtpSink[] = [];
let inboundPort = 0;
let crm: ConformanceCrm;
/** Largest raw message taken, by SMTP and by the raw-MIME webhook. */
const MAX_BYTES = 1_048_576;
/** Every suite message comes from this one customer. */
const CUSTOMER = "alice@example.test";
let mails = 0;
const webhookUrls = new Map<TenantIndex, string>();

/** Sends a mail to the gateway's inbound SMTP server, as the customer's mail server does. */
async function mailIn(mail: Mail.Options): Promise<void> {
  const customer = nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true });
  try {
    await customer.sendMail(mail);
  } finally {
    customer.close();
  }
}

/** The tenant's raw-MIME webhook URL: its token is shown only in the inbound settings preview. */
async function webhookUrl(tenant: TenantIndex): Promise<string> {
  const known = webhookUrls.get(tenant);
  if (known) return known;
  const preview = await crm.preview(tenant, "inbound");
  const url = /(http:\/\/[^\s"<]+\/email\/inbound\/[\w-]+)/.exec(preview)?.[1];
  if (!url) throw new Error(`the inbound preview shows no webhook URL: ${preview.slice(0, 2000)}`);
  webhookUrls.set(tenant, url);
  return url;
}

/** The webhook URL with a wrong token, or none. */
function withCredentials(url: string, credentials: WebhookCredentials): string {
  const token = url.slice(url.lastIndexOf("/") + 1);
  if (credentials === "valid") return url;
  if (credentials === "other-tenant") throw new Error("the URL token is the tenant: there are no other credentials");
  const wrong = [...token].map((c) => (c === "A" ? "B" : "A")).join("");
  return url.slice(0, url.length - token.length) + (credentials === "wrong" ? wrong : "");
}

/** Posts a raw mail to the tenant's raw-MIME webhook (with a wrong or no token if asked), as a provider does. */
function postMail(tenant: TenantIndex, raw: string, credentials: WebhookCredentials): WebhookPost {
  return async () =>
    fetch(withCredentials(await webhookUrl(tenant), credentials), {
      method: "POST",
      headers: { "content-type": "message/rfc822" },
      body: raw,
    });
}

/** A plain-text mail from the customer to the tenant, with its own Message-ID. */
function rawMail(tenant: TenantIndex, text: string): string {
  return [
    `From: Alice <${CUSTOMER}>`,
    `To: ${accounts[tenant].address}`,
    "Subject: Question",
    `Message-ID: <conformance-${++mails}.${Date.now()}@example.test>`,
    `Date: ${new Date().toUTCString()}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    text,
    "",
  ].join("\r\n");
}

runConformanceSuite({
  name: "email",
  async start(simulator) {
    crm = simulator;
    // Each host's run has its own gateway and tokens.
    webhookUrls.clear();
    sinks = [
      await startSmtpSink({ auth: accounts[0], tls: TEST_TLS }),
      await startSmtpSink({ auth: accounts[1], tls: TEST_TLS }),
    ];
    const gateway = await startGateway(email, {
      hosts: [salesrender, bitrix24],
      env: conformanceEnv(crm),
      gatewayEnv: {
        inbound: { port: 0, host: "127.0.0.1", maxBytes: MAX_BYTES },
        outbound: TEST_OUTBOUND,
        checks: { dns: fixedDnsResolver(new Map()), verifiedDomains: ["company-a.test", "company-b.test"] },
      },
      port: 0,
    });
    inboundPort = gateway.instance.inboundPort ?? 0;
    return {
      gatewayUrl: gateway.url,
      async stop() {
        await gateway.stop();
        await Promise.all(sinks.map((sink) => sink.close()));
      },
    };
  },
  validSettings: (tenant: TenantIndex) => ({
    smtp: {
      host: "127.0.0.1",
      port: sinks[tenant]!.port,
      secure: false,
      user: accounts[tenant].user,
      password: accounts[tenant].password,
    },
    mail: { from: `Company ${tenant} <${accounts[tenant].address}>`, inboundAddress: "", defaultSubject: "Hello" },
  }),
  contact: CUSTOMER,
  sentTexts: (tenant) => sinks[tenant]!.messages.map((m) => m.parsed.text ?? ""),
  sentFiles: (tenant) =>
    sinks[tenant]!.messages.flatMap((m) =>
      m.parsed.attachments.map((a) => ({ name: a.filename, data: new Uint8Array(a.content) })),
    ),
  failNextSend(kind) {
    sinks[0]!.failNext(
      kind === "permanent"
        ? { code: 550, message: "5.1.1 No such user" }
        : { code: 451, message: "4.3.0 Try later", stage: "DATA" },
    );
  },
  customerName: "Alice",
  async deliverIncoming(tenant, text) {
    await mailIn({ from: `Alice <${CUSTOMER}>`, to: accounts[tenant].address, subject: "Question", text });
  },
  webhook: {
    authentication: "url-token",
    maxBytes: MAX_BYTES,
    message(tenant, text, credentials = "valid") {
      // One Message-ID, posted again as it is: a provider's webhook retrying the same mail.
      return postMail(tenant, rawMail(tenant, text), credentials);
    },
    status(tenant, sentText, status, credentials = "valid") {
      if (status === "read") throw new Error("email has no read receipts (its capabilities do not list `read`)");
      const sent = sinks[tenant]!.messages.find((m) => m.parsed.text?.includes(sentText));
      const messageId = sent?.parsed.messageId?.replace(/^<|>$/g, "");
      if (!messageId) throw new Error(`the SMTP account of tenant ${tenant} got no message with ${sentText}`);
      // A delivery report (RFC 3464) posted to the raw-MIME webhook, as a provider forwards it.
      const report = dsnMessage({
        to: accounts[tenant].address,
        recipient: CUSTOMER,
        action: status === "delivered" ? "delivered" : "failed",
        status: status === "delivered" ? "2.0.0" : "5.1.1",
        ...(status === "error" ? { diagnostic: `550 5.1.1 <${CUSTOMER}>: Recipient address rejected` } : {}),
        envelopeId: messageId,
        originalMessageId: messageId,
        messageId: `report-${++mails}@mx.example.org`,
      });
      return postMail(tenant, report, credentials);
    },
  },
  async deliverAttachment(tenant, text, file) {
    await mailIn({
      from: `Alice <${CUSTOMER}>`,
      to: accounts[tenant].address,
      subject: "A file",
      text,
      attachments: [{ filename: file.name, contentType: file.contentType, content: Buffer.from(file.data) }],
    });
  },
});
