import { startGateway } from "@switchboard/core";
import { conformanceEnv, runConformanceSuite, type TenantIndex } from "@switchboard/testkit/conformance";
import { startSmtpSink, type SmtpSink } from "@switchboard/testkit/smtp";
import nodemailer from "nodemailer";
import { email } from "./gateway.js";
import { fixedDnsResolver } from "./test/fixed-dns.js";
import { TEST_OUTBOUND, TEST_TLS } from "./test/testbed.js";

// Each company has its own SMTP account (a sink) and inbound address.
const accounts = [
  { user: "conformance-a", password: "secret-a", address: "desk@company-a.test" },
  { user: "conformance-b", password: "secret-b", address: "desk@company-b.test" },
] as const;
let sinks: SmtpSink[] = [];
let inboundPort = 0;

runConformanceSuite({
  name: "email",
  async start(crm) {
    sinks = [
      await startSmtpSink({ auth: accounts[0], tls: TEST_TLS }),
      await startSmtpSink({ auth: accounts[1], tls: TEST_TLS }),
    ];
    const gateway = await startGateway(email, {
      env: conformanceEnv(crm),
      gatewayEnv: {
        inbound: { port: 0, host: "127.0.0.1", maxBytes: 1_048_576 },
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
  contact: "alice@example.test",
  sentTexts: (tenant) => sinks[tenant]!.messages.map((m) => m.parsed.text ?? ""),
  failNextSend(kind) {
    sinks[0]!.failNext(
      kind === "permanent"
        ? { code: 550, message: "5.1.1 No such user" }
        : { code: 451, message: "4.3.0 Try later", stage: "DATA" },
    );
  },
  async deliverIncoming(tenant, text) {
    const customer = nodemailer.createTransport({
      host: "127.0.0.1",
      port: inboundPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await customer.sendMail({
        from: "Alice <alice@example.test>",
        to: accounts[tenant].address,
        subject: "Question",
        text,
      });
    } finally {
      customer.close();
    }
  },
});
