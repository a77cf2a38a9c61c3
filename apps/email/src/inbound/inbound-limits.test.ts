import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timesForwarded, waitIncoming } from "../test/inbound-helpers.js";
import { RawSmtp } from "../test/raw-smtp.js";
import { CUSTOMER, INBOUND, startTestbed, unique, type Testbed } from "../test/testbed.js";

// Every test talks from its own loopback source address: the limits count per client address.
let nextAddress = 10;
const clientAddress = (): string => `127.0.0.${nextAddress++}`;

describe("inbound SMTP limits", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed({
      limits: {
        maxRecipients: 1,
        maxPerIp: 2,
        maxClients: 4,
        messagesPerMinute: 3,
        idleTimeoutMs: 1000,
        sessionTimeoutMs: 3000,
      },
    });
  });
  afterAll(() => bed.stop());

  const open = (address = clientAddress()) => RawSmtp.open(bed.inboundPort, address);

  /** A whole session that delivers one message; resolves with the reply to the message. */
  async function deliver(address: string, marker: string): Promise<string> {
    const { client } = await open(address);
    await client.send("EHLO client.test");
    await client.send(`MAIL FROM:<${CUSTOMER}>`);
    await client.send(`RCPT TO:<${INBOUND[0]}>`);
    await client.send("DATA");
    const reply = await client.send(
      `From: ${CUSTOMER}\r\nTo: ${INBOUND[0]}\r\nSubject: ${marker}\r\nMessage-ID: <${marker}@client.test>\r\n\r\n${marker}\r\n.`,
    );
    await client.send("QUIT");
    return reply;
  }

  it("takes at most the configured number of recipients per message (452 for more)", async () => {
    const { client } = await open();
    await client.send("EHLO client.test");
    await client.send(`MAIL FROM:<${CUSTOMER}>`);
    expect(await client.send(`RCPT TO:<${INBOUND[0]}>`)).toMatch(/^250/);
    expect(await client.send(`RCPT TO:<${INBOUND[1]}>`)).toMatch(/^452/);
    client.end();
  });

  it("takes at most the configured connections per client address; others still connect", async () => {
    const address = clientAddress();
    const first = await open(address);
    const second = await open(address);
    expect([first.greeting, second.greeting]).toEqual([expect.stringMatching(/^220/), expect.stringMatching(/^220/)]);
    const third = await open(address);
    expect(third.greeting).toMatch(/^421 .*Too many connections from your address/);
    await third.client.closed;
    // Another client is not affected.
    const other = await open();
    expect(other.greeting).toMatch(/^220/);
    other.client.end();
    // A closed connection frees its place.
    first.client.end();
    await first.client.closed;
    const again = await bed.crm.waitFor(async () => {
      const attempt = await open(address);
      if (attempt.greeting.startsWith("220")) return attempt;
      attempt.client.end();
      return undefined;
    });
    again.client.end();
    second.client.end();
  });

  it("takes at most the configured connections in total", async () => {
    const held = [await open(), await open(), await open(), await open()];
    for (const { greeting } of held) expect(greeting).toMatch(/^220/);
    const refused = await open();
    expect(refused.greeting).toMatch(/^421 .*Too many connected clients/);
    for (const { client } of held) client.end();
    await Promise.all(held.map(({ client }) => client.closed));
  });

  it("takes at most the configured messages per minute per client address (451, retried later by the sender)", async () => {
    const address = clientAddress();
    const { client } = await open(address);
    await client.send("EHLO client.test");
    for (let i = 0; i < 3; i++) {
      expect(await client.send(`MAIL FROM:<${CUSTOMER}>`)).toMatch(/^250/);
      expect(await client.send("RSET")).toMatch(/^250/);
    }
    expect(await client.send(`MAIL FROM:<${CUSTOMER}>`)).toMatch(/^451 .*Too many messages/);
    // A bounce (null sender) is refused the same temporary way, never with 550.
    expect(await client.send("MAIL FROM:<>")).toMatch(/^451/);
    client.end();
    // Another client address still gets its mail through.
    const marker = unique("other-client");
    expect(await deliver(clientAddress(), marker)).toMatch(/^250/);
    expect(await timesForwarded(bed, marker)).toBe(1);
  });

  it("closes an idle connection after the idle timeout", async () => {
    const { client } = await open();
    const started = performance.now();
    expect(await client.reply()).toMatch(/^421 .*Timeout/);
    await client.closed;
    console.warn(`idle connection closed after ${Math.round(performance.now() - started)} ms (limit 1000 ms)`);
  });

  it("ends a session that never goes idle after the session time limit, while other clients are served", async () => {
    const { client } = await open();
    await client.send("EHLO slow.test");
    await client.send(`MAIL FROM:<${CUSTOMER}>`);
    await client.send(`RCPT TO:<${INBOUND[0]}>`);
    await client.send("DATA");
    const started = performance.now();
    // A slow client: one header line every 200 ms, never finishing the message.
    let closed = false;
    void client.closed.then(() => (closed = true));
    const trickle = setInterval(() => client.write(`X-Slow: ${Date.now()}\r\n`), 200);
    try {
      const marker = unique("while-slow");
      expect(await deliver(clientAddress(), marker)).toMatch(/^250/);
      await waitIncoming(bed, marker);
      await client.closed;
      expect(closed).toBe(true);
      console.warn(`trickling session ended after ${Math.round(performance.now() - started)} ms (limit 3000 ms)`);
    } finally {
      clearInterval(trickle);
    }
  });

  it("refuses a 90 KB RCPT and a 90 KB MAIL FROM without holding up another client (GHSA-2x7j-588g-ccc2)", async () => {
    const huge = `${"a@b, ".repeat(18_000)}x@${"d".repeat(10)}.test`;
    const { client } = await open();
    await client.send("EHLO big.test");
    const started = performance.now();
    const [mailReply, marker] = [await client.send(`MAIL FROM:<${huge}>`), unique("beside-huge")];
    // smtp-server refuses command lines over 16 KB before any address parser sees them.
    expect(mailReply).toMatch(/^(421|5\d\d) /);
    const rcptClient = (await open()).client;
    await rcptClient.send("EHLO big.test");
    await rcptClient.send(`MAIL FROM:<${CUSTOMER}>`);
    expect(await rcptClient.send(`RCPT TO:<${huge}>`)).toMatch(/^(421|5\d\d) /);
    expect(await deliver(clientAddress(), marker)).toMatch(/^250/);
    console.warn(
      `90 KB MAIL FROM and RCPT refused, next session done in ${Math.round(performance.now() - started)} ms`,
    );
    client.end();
    rcptClient.end();
  });

  it("handles a message with a 90 KB From header in time and forwards the first address", async () => {
    const marker = unique("huge-from");
    const huge = `${CUSTOMER}, ${"a@b, ".repeat(18_000)}last@example.org`;
    const { client } = await open();
    await client.send("EHLO big.test");
    await client.send(`MAIL FROM:<${CUSTOMER}>`);
    await client.send(`RCPT TO:<${INBOUND[0]}>`);
    await client.send("DATA");
    const started = performance.now();
    const reply = await client.send(
      `From: ${huge}\r\nTo: ${INBOUND[0]}\r\nSubject: big\r\nMessage-ID: <${marker}@client.test>\r\n\r\n${marker}\r\n.`,
    );
    const took = performance.now() - started;
    console.warn(`message with a 90 KB From header answered in ${Math.round(took)} ms: ${reply}`);
    expect(reply).toMatch(/^250/);
    expect((await waitIncoming(bed, marker)).body.chat.contact).toBe(CUSTOMER);
    client.end();
  });
});
