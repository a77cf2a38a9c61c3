import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { startSmtpSink, type SmtpSink } from "@switchboard/testkit/smtp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { email } from "../gateway.js";
import { CUSTOMER, tenantIdOf, TENANTS, TEST_TLS, unique } from "../test/testbed.js";
import { PrivateSmtpHostError, resolveSmtpDestination, UnresolvableSmtpHostError } from "./smtp-destination.js";

describe("SMTP destinations (address policy)", () => {
  const lookup = (answers: Record<string, string[]>) => async (host: string) => {
    const found = new Map(Object.entries(answers)).get(host);
    if (!found) throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return found;
  };

  it("pins the checked address and keeps the name for TLS", async () => {
    const policy = { allowPrivate: false, lookup: lookup({ "smtp.shop.test": ["203.0.113.7", "203.0.113.8"] }) };
    expect(await resolveSmtpDestination("smtp.shop.test", policy)).toEqual({
      address: "203.0.113.7",
      servername: "smtp.shop.test",
    });
    expect(await resolveSmtpDestination("203.0.113.9", policy)).toEqual({
      address: "203.0.113.9",
      servername: undefined,
    });
  });

  it("refuses loopback, private and reserved destinations, also when only one of the answers is private", async () => {
    const policy = {
      allowPrivate: false,
      lookup: lookup({
        "mixed.test": ["203.0.113.7", "10.0.0.5"],
        "v6.test": ["::1"],
        "mapped.test": ["::ffff:127.0.0.1"],
      }),
    };
    for (const host of [
      "127.0.0.1",
      "10.1.2.3",
      "169.254.169.254",
      "[::1]",
      "0.0.0.0",
      "mixed.test",
      "v6.test",
      "mapped.test",
    ]) {
      await expect(resolveSmtpDestination(host, policy), host).rejects.toBeInstanceOf(PrivateSmtpHostError);
    }
    await expect(resolveSmtpDestination("nowhere.test", policy)).rejects.toBeInstanceOf(UnresolvableSmtpHostError);
    // The operator switch for private relays.
    expect(await resolveSmtpDestination("mixed.test", { ...policy, allowPrivate: true })).toMatchObject({
      address: "203.0.113.7",
    });
  });

  describe("without SWITCHBOARD_ALLOW_PRIVATE_SMTP", () => {
    let crm: CrmSimulator;
    let sink: SmtpSink;
    let gateway: GatewayHandle;
    beforeAll(async () => {
      crm = await startCrmSimulator();
      sink = await startSmtpSink({ auth: { user: "u", password: "p" }, tls: TEST_TLS });
      gateway = await startGateway(email, {
        hosts: [salesrender],
        env: conformanceEnv(crm),
        gatewayEnv: { outbound: { allowPrivate: false, ca: TEST_TLS.cert } },
        port: 0,
      });
      expect((await crm.register(gateway.url, TENANTS[0])).status).toBe(200);
    });
    afterAll(async () => {
      await gateway.stop();
      await Promise.all([crm.close(), sink.close()]);
    });

    it.each(["127.0.0.1", "localhost"])(
      "settings naming %s answer 400 on smtp.host and nothing connects",
      async (host) => {
        const res = await crm.putSettings(gateway.url, TENANTS[0], {
          smtp: { host, port: sink.port, secure: false, user: "u", password: "p" },
          mail: { from: "shop@a.test" },
        });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({
          smtp: { host: ["The SMTP server is on a private or local network; only public SMTP servers may be used"] },
        });
      },
    );

    it("a message for a tenant whose stored host is private is a permanent `error`, not a connection", async () => {
      // Settings saved before the policy existed (or while the switch was on) stay in the database.
      const data = {
        smtp: { host: "127.0.0.1", port: sink.port, secure: false, user: "u", password: "p" },
        mail: { from: "shop@a.test" },
      };
      gateway.runtime.db.$client
        .prepare("INSERT INTO settings (tenant_id, data, updated_at) VALUES (?, ?, ?)")
        .run(await tenantIdOf({ gateway }, TENANTS[0]), JSON.stringify(data), Date.now());
      // Registering again drops core's cached copy of the tenant.
      expect((await crm.register(gateway.url, TENANTS[0])).status).toBe(200);
      const id = unique("private");
      await crm.send(gateway.url, TENANTS[0], {
        chat: { id: `chat-${id}`, contact: CUSTOMER, subject: null },
        message: { id, content: { text: id, format: "text" }, attachments: [] },
      });
      await crm.waitFor(() => crm.statusesOf(id).includes("error"));
      expect(sink.messages).toHaveLength(0);
      const row = gateway.runtime.db.$client
        .prepare("SELECT last_error AS lastError FROM outgoing WHERE crm_message_id = ?")
        .get(id) as { lastError: string };
      expect(row.lastError).toMatch(/private or local network/);
    });
  });
});
