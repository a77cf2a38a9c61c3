/**
 * @module test/testbed — the email gateway on loopback with everything real around it: the CRM
 * simulator, one SMTP sink per tenant (its SMTP account), and nodemailer as the customer's mail
 * program talking to the gateway's inbound SMTP server.
 */
import { salesrender, SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { readFileSync } from "node:fs";
import { startGateway, type GatewayHandle, type SettingsData, type StartGatewayOptions } from "@switchboard/core";
import { startTestStack, uniqueId, type CrmSimulator, type PluginRef, type SendBody } from "@switchboard/testkit";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startSmtpSink, type SmtpSink } from "@switchboard/testkit/smtp";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import type { EmailEnv } from "../env.js";
import { email, type EmailGateway } from "../gateway.js";
import type { InboundLimits } from "../inbound/client-limits.js";
import { fixedDnsResolver, type DnsRecords } from "./fixed-dns.js";

/** A self-signed certificate for localhost / 127.0.0.1, made for these tests only. */
export const TEST_TLS = {
  key: readFileSync(new URL("./fixtures/test-key.pem", import.meta.url), "utf8"),
  cert: readFileSync(new URL("./fixtures/test-cert.pem", import.meta.url), "utf8"),
};

/**
 * How the testbed's gateway reaches SMTP servers: they are all on loopback (the operator switch
 * `SWITCHBOARD_ALLOW_PRIVATE_SMTP`), and they use the test certificate.
 */
export const TEST_OUTBOUND = { allowPrivate: true, ca: TEST_TLS.cert } as const;

/** The two companies of every testbed: A answers as support@a.test, B as its From address. */
export const TENANTS: readonly [PluginRef, PluginRef] = [
  { companyId: "501", pluginAlias: "email", pluginId: "1" },
  { companyId: "502", pluginAlias: "email", pluginId: "2" },
];

/** Company A's and B's inbound addresses. */
/** Core's id of the tenant a plugin reference registered as. */
export async function tenantIdOf(bed: Pick<Testbed, "gateway">, ref: PluginRef): Promise<number> {
  const tenant = await bed.gateway.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(ref));
  if (!tenant) throw new Error(`${ref.companyId}/${ref.pluginAlias}/${ref.pluginId} is not registered`);
  return tenant.id;
}

export const INBOUND = ["support@a.test", "sales@b.test"] as const;

/** A customer address. */
export const CUSTOMER = "customer@example.org";

/** A running testbed. */
export interface Testbed {
  crm: CrmSimulator;
  gateway: GatewayHandle<EmailGateway>;
  /** SMTP account of tenant 0 and tenant 1 (STARTTLS with {@link TEST_TLS}). */
  sinks: [SmtpSink, SmtpSink];
  inboundPort: number;
  /** The records the gateway's DNS resolver answers from (it never asks the network). */
  dns: DnsRecords;
  settings(tenant: 0 | 1): SettingsData;
  /** POST /special/send as the CRM for a tenant. */
  send(tenant: 0 | 1, body: SendBody): Promise<Response>;
  /** Sends mail as a customer's mail program to the gateway's inbound SMTP server. */
  mailIn(mail: Mail.Options): Promise<unknown>;
  stop(): Promise<void>;
}

/** Options of {@link startTestbed}. */
export interface TestbedOptions {
  /** Inbound size limit (default 1 MiB, to keep oversize tests small). */
  maxBytes?: number;
  /** PEM key and certificate: the inbound server offers STARTTLS. */
  tls?: { key: string; cert: string };
  /** Inbound domains the operator vouches for (default: both tenants' domains, a.test and b.test). */
  verifiedDomains?: string[];
  /** Limits of the inbound SMTP server (defaults: production's). */
  limits?: Partial<InboundLimits>;
  /** Balancers whose connections start with a PROXY protocol header. */
  proxyFrom?: string[];
  /** Outbound SMTP options (default {@link TEST_OUTBOUND}). */
  outbound?: EmailEnv["outbound"];
  /** More environment variables for the gateway. */
  env?: Record<string, string>;
  /** Receives the gateway's log lines. */
  logger?: StartGatewayOptions["logger"];
}

/** Starts CRM, sinks and gateway, registers both tenants and saves their settings. */
export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const dns: DnsRecords = new Map();
  const sinks: [SmtpSink, SmtpSink] = [
    await startSmtpSink({ auth: { user: "shop-a", password: "pass-a" }, tls: TEST_TLS }),
    await startSmtpSink({ auth: { user: "shop-b", password: "pass-b" }, tls: TEST_TLS }),
  ];
  const settings = (tenant: 0 | 1): SettingsData => ({
    smtp: {
      host: sinks[tenant].host,
      port: sinks[tenant].port,
      secure: false,
      user: tenant === 0 ? "shop-a" : "shop-b",
      password: tenant === 0 ? "pass-a" : "pass-b",
    },
    mail:
      tenant === 0
        ? { from: "Shop A <shop@a.test>", inboundAddress: INBOUND[0], defaultSubject: "Message from Shop A" }
        : { from: `Shop B <${INBOUND[1]}>`, inboundAddress: "", defaultSubject: "" },
  });
  const stack = await startTestStack({
    tenants: TENANTS,
    start: (crm) =>
      startGateway(email, {
        hosts: [salesrender],
        env: { ...conformanceEnv(crm), ...options.env },
        gatewayEnv: {
          inbound: {
            port: 0,
            host: "127.0.0.1",
            maxBytes: options.maxBytes ?? 1_048_576,
            tls: options.tls,
            limits: options.limits,
            proxyFrom: options.proxyFrom,
          },
          outbound: options.outbound ?? TEST_OUTBOUND,
          checks: { dns: fixedDnsResolver(dns), verifiedDomains: options.verifiedDomains ?? ["a.test", "b.test"] },
        },
        port: 0,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    settings: (i) => settings(i as 0 | 1),
  });
  const { crm, gateway } = stack;
  const inboundPort = gateway.instance.inboundPort;
  if (inboundPort === undefined) throw new Error("inbound SMTP server did not start");
  const customer = nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true });
  return {
    crm,
    gateway,
    sinks,
    inboundPort,
    dns,
    settings,
    send: stack.send,
    mailIn: (mail) => customer.sendMail(mail),
    async stop() {
      customer.close();
      await stack.stop();
      await Promise.all([sinks[0].close(), sinks[1].close()]);
    },
  };
}

/** A unique marker for texts and ids within this process. */
export function unique(prefix: string): string {
  return uniqueId(prefix);
}
