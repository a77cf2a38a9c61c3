import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitIncoming } from "../test/inbound-helpers.js";
import { RawSmtp } from "../test/raw-smtp.js";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";

// The balancer connects from 127.0.0.7; the senders it names are documentation addresses.
const BALANCER = "127.0.0.7";
const header = (sender: string, port: number) => `PROXY TCP4 ${sender} 127.0.0.1 ${port} 25\r\n`;

describe("inbound SMTP behind a TCP balancer (SMTP_INBOUND_PROXY_FROM)", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({ proxyFrom: [BALANCER], limits: { maxPerIp: 1 } });
  });
  afterAll(() => bed.stop());

  it("counts each connection as the sender the PROXY header names, not as the balancer", async () => {
    const first = await RawSmtp.open(bed.inboundPort, BALANCER, header("203.0.113.5", 40001));
    expect(first.greeting).toMatch(/^220/);
    // The same sender again is over its one connection, though the balancer's address is the same…
    const again = await RawSmtp.open(bed.inboundPort, BALANCER, header("203.0.113.5", 40002));
    expect(again.greeting).toMatch(/^421 .*Too many connections from your address/);
    // …and another sender through the same balancer is not.
    const other = await RawSmtp.open(bed.inboundPort, BALANCER, header("203.0.113.6", 40003));
    expect(other.greeting).toMatch(/^220/);
    first.client.end();
    other.client.end();
  });

  it("delivers a message that came through the balancer to the CRM", async () => {
    const marker = unique("proxied");
    const { client, greeting } = await RawSmtp.open(bed.inboundPort, BALANCER, header("203.0.113.9", 40004));
    expect(greeting).toMatch(/^220/);
    await client.send("EHLO client.test");
    await client.send(`MAIL FROM:<${CUSTOMER}>`);
    expect(await client.send(`RCPT TO:<${INBOUND[0]}>`)).toMatch(/^250/);
    await client.send("DATA");
    const reply = await client.send(
      `From: ${CUSTOMER}\r\nTo: ${INBOUND[0]}\r\nSubject: ${marker}\r\nMessage-ID: <${marker}@client.test>\r\n\r\n${marker}\r\n.`,
    );
    expect(reply).toMatch(/^250/);
    await client.send("QUIT");
    await waitIncoming(bed, marker);
  });

  it("takes plain SMTP from any other address, and no PROXY header from it", async () => {
    const plain = await RawSmtp.open(bed.inboundPort, "127.0.0.8");
    expect(plain.greeting).toMatch(/^220/);
    plain.client.end();
    // A client that is not the balancer cannot pass itself off as another sender.
    const forged = await RawSmtp.open(bed.inboundPort, "127.0.0.9");
    expect(forged.greeting).toMatch(/^220/);
    expect(await forged.client.send(header("203.0.113.10", 40005).trimEnd())).toMatch(/^5\d\d/);
    forged.client.end();
  });
});
