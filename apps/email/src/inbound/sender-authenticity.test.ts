import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTxt } from "../test/fixed-dns.js";
import { waitIncoming } from "../test/inbound-helpers.js";
import { INBOUND, startTestbed, TENANTS, unique, type Testbed } from "../test/testbed.js";
import { UNVERIFIED_SENDER_MARKER } from "./sender-authenticity.js";

// A DKIM key made for this run; its public half is published in the fixed DNS records.
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const DKIM_PUBLIC = publicKey.export({ type: "spki", format: "der" }).toString("base64");
const DKIM_PRIVATE = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("sender authenticity (SPF, DKIM, DMARC on inbound mail)", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
    // A bank that signs its mail and sends only from its own network, with a strict DMARC policy.
    setTxt(bed.dns, "bank.test", "v=spf1 ip4:203.0.113.0/24 -all");
    setTxt(bed.dns, "_dmarc.bank.test", "v=DMARC1; p=reject");
    setTxt(bed.dns, "mail._domainkey.bank.test", `v=DKIM1; k=rsa; p=${DKIM_PUBLIC}`);
    // The company itself (From the CEO), whose SPF allows only its provider.
    setTxt(bed.dns, "a.test", "v=spf1 ip4:198.51.100.7 -all");
    setTxt(bed.dns, "_dmarc.a.test", "v=DMARC1; p=quarantine");
    // A customer whose mail comes from this very client (127.0.0.1 on loopback).
    setTxt(bed.dns, "customer.test", "v=spf1 ip4:127.0.0.1 -all");
    setTxt(bed.dns, "_dmarc.customer.test", "v=DMARC1; p=reject");
  });
  afterAll(() => bed.stop());

  it("marks a forged bank sender with a warning line and still forwards every word", async () => {
    const marker = unique("forged");
    await bed.mailIn({
      from: "Bank Security <service@bank.test>",
      to: INBOUND[0],
      subject: "Verify your account",
      text: `Please log in here ${marker}`,
    });
    const rec = await waitIncoming(bed, marker);
    const text = rec.body.message.content?.text ?? "";
    expect(rec.body.chat.contact).toBe("service@bank.test");
    expect(text.startsWith(UNVERIFIED_SENDER_MARKER)).toBe(true);
    expect(text).toMatch(
      /claims to be from bank\.test, but it failed that domain's DMARC check \(SPF: fail, DKIM: none\)/,
    );
    expect(text.endsWith(`Please log in here ${marker}`)).toBe(true);
  });

  it("marks the company's own CEO when the mail does not come from the company's servers", async () => {
    const marker = unique("ceo");
    await bed.mailIn({
      from: "The CEO <ceo@a.test>",
      to: INBOUND[0],
      subject: "Urgent wire transfer",
      html: `<p>Pay this now ${marker}</p>`,
    });
    const rec = await waitIncoming(bed, marker);
    expect(rec.body.message.content).toEqual({
      format: "html",
      text: expect.stringMatching(
        new RegExp(`^<p><strong>⚠️ \\[Unverified sender\\] .*a\\.test.*</strong></p><p>Pay this now ${marker}</p>$`),
      ),
    });
  });

  it("a correctly DKIM-signed mail passes DMARC even from an IP outside SPF: no warning", async () => {
    const marker = unique("signed");
    await bed.mailIn({
      from: "Bank <service@bank.test>",
      to: INBOUND[0],
      subject: "Your statement",
      text: `Statement ${marker}`,
      dkim: { domainName: "bank.test", keySelector: "mail", privateKey: DKIM_PRIVATE },
    });
    const rec = await waitIncoming(bed, marker);
    expect(rec.body.message.content).toEqual({ text: `Statement ${marker}`, format: "text" });
  });

  it("a signature made with another key does not count", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    const marker = unique("badsig");
    await bed.mailIn({
      from: "Bank <service@bank.test>",
      to: INBOUND[0],
      subject: "Your statement",
      text: `Statement ${marker}`,
      dkim: { domainName: "bank.test", keySelector: "mail", privateKey: other.toString() },
    });
    const text = (await waitIncoming(bed, marker)).body.message.content?.text ?? "";
    expect(text).toMatch(/^⚠️ \[Unverified sender\] .*DKIM: fail/);
  });

  it("an SPF pass aligned with From passes DMARC, and a domain without DMARC gets no warning", async () => {
    const aligned = unique("spf-pass");
    await bed.mailIn({ from: "buyer@customer.test", to: INBOUND[0], subject: "x", text: aligned });
    expect((await waitIncoming(bed, aligned)).body.message.content?.text).toBe(aligned);
    const plain = unique("no-dmarc");
    await bed.mailIn({ from: "someone@example.org", to: INBOUND[0], subject: "x", text: plain });
    expect((await waitIncoming(bed, plain)).body.message.content?.text).toBe(plain);
  });

  it("the webhook checks too when the provider passes the client IP (SendGrid's sender_ip)", async () => {
    const token = /email\/inbound\/([\w-]+)/.exec(
      (
        (await (
          await bed.crm.request(bed.gateway.url, TENANTS[0], "GET", "protected/preview/markdown/inbound")
        ).json()) as { markdown: string }
      ).markdown,
    )![1]!;
    const post = async (marker: string, withIp: boolean) => {
      const form = new FormData();
      form.set(
        "email",
        `From: service@bank.test\r\nTo: ${INBOUND[0]}\r\nSubject: hi\r\nMessage-ID: <${marker}@x>\r\n\r\n${marker}\r\n`,
      );
      if (withIp) {
        form.set("sender_ip", "192.0.2.55");
        form.set("envelope", JSON.stringify({ from: "service@bank.test", to: [INBOUND[0]] }));
      }
      const res = await fetch(`${bed.gateway.url}email/inbound/${token}`, { method: "POST", body: form });
      expect(res.status).toBe(200);
      return (await waitIncoming(bed, marker)).body.message.content?.text ?? "";
    };
    expect(await post(unique("hook-ip"), true)).toMatch(/^⚠️ \[Unverified sender\] .*bank\.test/);
    const marker = unique("hook-no-ip");
    expect(await post(marker, false)).toBe(marker);
  });
});
