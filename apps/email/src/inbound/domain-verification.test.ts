import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenStore } from "../db/token-store.js";
import { fixedDnsResolver, setTxt } from "../test/fixed-dns.js";
import { DomainVerifier } from "./domain-verification.js";
import { smtpFailure, timesForwarded, waitIncoming } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, tenantIdOf, TENANTS, unique, type Testbed } from "../test/testbed.js";

describe("inbound domain verification (shared MX)", () => {
  let bed: Testbed;
  beforeAll(async () => {
    // Only b.test is vouched for by the operator; company A must prove a.test.
    bed = await startTestbed({ verifiedDomains: ["b.test"] });
  });
  afterAll(() => bed.stop());

  const preview = async (tenant: 0 | 1): Promise<string> => {
    const res = await bed.crm.request(bed.gateway.url, TENANTS[tenant], "GET", "protected/preview/markdown/inbound");
    expect(res.status).toBe(200);
    return ((await res.json()) as { markdown: string }).markdown;
  };
  const record = async (): Promise<{ name: string; value: string }> => {
    const match = /`(_switchboard\.a\.test)\. TXT "([^"]+)"`/.exec(await preview(0));
    expect(match).not.toBeNull();
    return { name: match![1]!, value: match![2]! };
  };
  const resave = async (tenant: 0 | 1) =>
    expect((await bed.crm.putSettings(bed.gateway.url, TENANTS[tenant], bed.settings(tenant))).status).toBe(200);

  it("refuses mail for an address on an unproven domain with 550 at RCPT, and shows the record to create", async () => {
    const marker = unique("squat");
    const error = await smtpFailure(bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "x", text: marker }));
    expect(error.responseCode).toBe(550);
    expect(error.message).toMatch(/domain is not verified/);
    expect(await timesForwarded(bed, marker)).toBe(0);
    const markdown = await preview(0);
    expect(markdown).toMatch(/`_switchboard\.a\.test\. TXT "switchboard-verify=[\w-]{32}"`/);
    expect(markdown).toContain("Not found yet");
    // The operator's pre-verified domain works without a record.
    const other = unique("vouched");
    await bed.mailIn({ from: CUSTOMER, to: INBOUND[1], subject: "x", text: other });
    await waitIncoming(bed, other);
    expect(await preview(1)).toContain("verified by the operator");
  });

  it("never answers 550 to a bounce for an unproven domain (450: the sender keeps it and tries again)", async () => {
    const raw = `From: MAILER-DAEMON@example.org\r\nTo: ${INBOUND[0]}\r\nSubject: Undelivered\r\n\r\nbounce\r\n`;
    const error = await smtpFailure(bed.mailIn({ envelope: { from: "", to: [INBOUND[0]] }, raw }));
    expect(error.responseCode).toBe(450);
  });

  it("a wrong token, or the right one on another name, proves nothing", async () => {
    const { value } = await record();
    setTxt(
      bed.dns,
      "_switchboard.a.test",
      "v=spf1 -all",
      value.replace(/.$/, (c) => (c === "x" ? "y" : "x")),
    );
    setTxt(bed.dns, "a.test", value);
    await resave(0);
    const error = await smtpFailure(bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "x", text: "x" }));
    expect(error.responseCode).toBe(550);
  });

  it("a DNS failure answers 450 (temporary), never 550", async () => {
    bed.dns.set(
      "_switchboard.a.test",
      new Map([["TXT", [Object.assign(new Error("queryTxt ESERVFAIL"), { code: "ESERVFAIL" })]]]),
    );
    await resave(0);
    const error = await smtpFailure(bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "x", text: "x" }));
    expect(error.responseCode).toBe(450);
  });

  it("accepts mail once the TXT record is found (checked again on settings save), and the preview says so", async () => {
    const { name, value } = await record();
    setTxt(bed.dns, name, "unrelated=1", value);
    await resave(0);
    const marker = unique("proven");
    await bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "x", text: marker });
    expect((await waitIncoming(bed, marker)).ref).toEqual(TENANTS[0]);
    expect(await preview(0)).toContain("Found: the gateway accepts mail for this address.");
  });

  it("a verified domain stays verified while DNS fails", async () => {
    bed.dns.set(
      "_switchboard.a.test",
      new Map([["TXT", [Object.assign(new Error("queryTxt ETIMEOUT"), { code: "ETIMEOUT" })]]]),
    );
    await resave(0);
    const marker = unique("dns-down");
    await bed.mailIn({ from: CUSTOMER, to: INBOUND[0], subject: "x", text: marker });
    await waitIncoming(bed, marker);
  });

  it("derives a different token for each tenant from its secret inbound token", async () => {
    const verifier = new DomainVerifier(new TokenStore(bed.gateway.runtime), fixedDnsResolver(new Map()), new Set());
    const a = await verifier.recordFor(await tenantIdOf(bed, TENANTS[0]), "a.test");
    expect(a).toEqual(await record());
    expect((await verifier.recordFor(await tenantIdOf(bed, TENANTS[1]), "a.test")).value).not.toBe(a.value);
    const inboundToken = await new TokenStore(bed.gateway.runtime).getOrCreate(await tenantIdOf(bed, TENANTS[0]));
    expect(a.value).not.toContain(inboundToken);
  });
});
