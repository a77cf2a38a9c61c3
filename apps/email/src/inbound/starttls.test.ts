import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEmailEnv } from "../env.js";
import { smtpFailure, waitIncoming } from "../test/inbound-helpers.js";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";

// A self-signed certificate for localhost / 127.0.0.1, made for these tests only.
const keyPath = new URL("../test/fixtures/test-key.pem", import.meta.url).pathname;
const certPath = new URL("../test/fixtures/test-cert.pem", import.meta.url).pathname;

describe("inbound STARTTLS", () => {
  let bed: Testbed;
  beforeAll(async () => {
    // Files named by SMTP_INBOUND_TLS_KEY / _CERT are read at startup.
    const env = readEmailEnv({
      SMTP_INBOUND_PORT: "0",
      SMTP_INBOUND_TLS_KEY: keyPath,
      SMTP_INBOUND_TLS_CERT: certPath,
    });
    bed = await startTestbed({ tls: env.gateway.inbound?.tls });
  });
  afterAll(() => bed.stop());

  it("is offered when a key and certificate are configured, and mail arrives over it", async () => {
    const marker = unique("tls");
    const client = nodemailer.createTransport({
      host: "127.0.0.1",
      port: bed.inboundPort,
      secure: false,
      requireTLS: true,
      tls: { ca: readFileSync(certPath, "utf8"), servername: "localhost" },
    });
    await client.sendMail({ from: CUSTOMER, to: INBOUND[0], subject: "secure", text: marker });
    client.close();
    expect((await waitIncoming(bed, marker)).body.message.content?.text).toBe(marker);
  });

  it("is not offered without them", async () => {
    const plain = await startTestbed();
    try {
      const client = nodemailer.createTransport({
        host: "127.0.0.1",
        port: plain.inboundPort,
        secure: false,
        requireTLS: true,
      });
      const error = await smtpFailure(client.sendMail({ from: CUSTOMER, to: INBOUND[0], subject: "x", text: "x" }));
      expect(error.message).toMatch(/STARTTLS/);
    } finally {
      await plain.stop();
    }
  });
});
