import { describe, expect, it } from "vitest";
import { readEmailEnv } from "./env.js";

const gatewayEnv = (source: Record<string, string>) => readEmailEnv(source).gateway;

describe("readEmailEnv", () => {
  it("has no inbound server unless SMTP_INBOUND_PORT is set", () => {
    expect(gatewayEnv({})).toEqual({
      inbound: undefined,
      maxBytes: 26_214_400,
      outbound: { allowPrivate: false },
      checks: { verifiedDomains: [], senderChecks: true },
    });
    expect(gatewayEnv({ SMTP_INBOUND_SENDER_CHECKS: "false" }).checks?.senderChecks).toBe(false);
    expect(gatewayEnv({ SMTP_INBOUND_VERIFIED_DOMAINS: " Help.Example.com, ,b.test" }).checks?.verifiedDomains).toEqual(
      ["help.example.com", "b.test"],
    );
    expect(gatewayEnv({ SMTP_INBOUND_PORT: "" }).inbound).toBeUndefined();
  });

  it("reads port, host, size limit and inline PEM TLS material", () => {
    const env = gatewayEnv({
      SMTP_INBOUND_PORT: "2525",
      SMTP_INBOUND_HOST: "127.0.0.1",
      SMTP_INBOUND_MAX_BYTES: "1000",
      SMTP_INBOUND_TLS_KEY: "-----BEGIN PRIVATE KEY-----\\nabc",
      SMTP_INBOUND_TLS_CERT: "-----BEGIN CERTIFICATE-----\\ndef",
    });
    expect(env.inbound).toEqual({
      port: 2525,
      host: "127.0.0.1",
      maxBytes: 1000,
      tls: { key: "-----BEGIN PRIVATE KEY-----\nabc", cert: "-----BEGIN CERTIFICATE-----\ndef" },
      proxyFrom: [],
      limits: {
        maxRecipients: 100,
        maxClients: 200,
        maxPerIp: 20,
        messagesPerMinute: 120,
        idleTimeoutMs: 60_000,
        sessionTimeoutMs: 600_000,
      },
    });
    expect(gatewayEnv({ SMTP_INBOUND_PORT: "25" }).inbound).toMatchObject({
      host: "0.0.0.0",
      maxBytes: 26_214_400,
      tls: undefined,
    });
  });

  it("reads SMTP_INBOUND_PROXY_FROM as a list of IP addresses", () => {
    const env = gatewayEnv({ SMTP_INBOUND_PORT: "2525", SMTP_INBOUND_PROXY_FROM: " 172.28.0.25, ,::1" });
    expect(env.inbound?.proxyFrom).toEqual(["172.28.0.25", "::1"]);
    expect(() => gatewayEnv({ SMTP_INBOUND_PORT: "2525", SMTP_INBOUND_PROXY_FROM: "haproxy" })).toThrow(
      /SMTP_INBOUND_PROXY_FROM: must be IP addresses/,
    );
  });

  it("reads SWITCHBOARD_ALLOW_PRIVATE_SMTP", () => {
    expect(gatewayEnv({ SWITCHBOARD_ALLOW_PRIVATE_SMTP: "true" }).outbound?.allowPrivate).toBe(true);
    expect(gatewayEnv({ SWITCHBOARD_ALLOW_PRIVATE_SMTP: "0" }).outbound?.allowPrivate).toBe(false);
    expect(() => gatewayEnv({ SWITCHBOARD_ALLOW_PRIVATE_SMTP: "maybe" })).toThrow(/SWITCHBOARD_ALLOW_PRIVATE_SMTP/);
  });

  it("reads the inbound limits", () => {
    const env = gatewayEnv({
      SMTP_INBOUND_PORT: "25",
      SMTP_INBOUND_MAX_RECIPIENTS: "5",
      SMTP_INBOUND_MAX_CLIENTS: "50",
      SMTP_INBOUND_MAX_PER_IP: "3",
      SMTP_INBOUND_MESSAGES_PER_MINUTE: "10",
      SMTP_INBOUND_IDLE_TIMEOUT_SECONDS: "30",
      SMTP_INBOUND_SESSION_TIMEOUT_SECONDS: "120",
    });
    expect(env.inbound?.limits).toEqual({
      maxRecipients: 5,
      maxClients: 50,
      maxPerIp: 3,
      messagesPerMinute: 10,
      idleTimeoutMs: 30_000,
      sessionTimeoutMs: 120_000,
    });
    expect(() => gatewayEnv({ SMTP_INBOUND_MAX_PER_IP: "0" })).toThrow(/SMTP_INBOUND_MAX_PER_IP/);
  });

  it("hands core its variables unchanged", () => {
    const source = { LV_PLUGIN_SELF_URI: "https://gw.example/", SMTP_INBOUND_PORT: "25" };
    expect(readEmailEnv(source).core).toBe(source);
  });

  it("refuses bad values with one readable error", () => {
    expect(() => gatewayEnv({ SMTP_INBOUND_PORT: "70000" })).toThrow(/SMTP_INBOUND_PORT/);
    expect(() => gatewayEnv({ SMTP_INBOUND_PORT: "25", SMTP_INBOUND_TLS_KEY: "-----BEGIN x" })).toThrow(/both/);
  });
});
