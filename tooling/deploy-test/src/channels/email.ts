/**
 * @module channels/email — the email bundle: an SMTP sink as the company's SMTP account, and the
 * bundle's own inbound SMTP server as the MX customers write to.
 */
import { connect } from "node:net";
import { freePort, waitFor } from "@switchboard/testkit";
import { startSmtpSink } from "@switchboard/testkit/smtp";
import { sendAccepted, waitForIncoming, type ChannelRig } from "./channel-rig.js";

const DOMAIN = "deploy-shop.test";
const INBOUND_ADDRESS = `support@${DOMAIN}`;
const CUSTOMER = "alice@example.test";
const LOGIN = { user: "deploy-shop", password: "smtp-Pa55word-deploy-3c9a" };

/** Starts the SMTP sink and picks the port of the bundle's inbound SMTP server. */
export async function startEmailRig(): Promise<ChannelRig> {
  const sink = await startSmtpSink({ auth: LOGIN });
  const inboundPort = await freePort();
  return {
    env: {
      SMTP_INBOUND_PORT: String(inboundPort),
      SMTP_INBOUND_HOST: "127.0.0.1",
      SWITCHBOARD_ALLOW_PRIVATE_SMTP: "true",
      SMTP_INBOUND_VERIFIED_DOMAINS: DOMAIN,
      // SPF/DKIM/DMARC would ask DNS, and tests talk to loopback only.
      SMTP_INBOUND_SENDER_CHECKS: "false",
    },
    settings: {
      smtp: {
        host: sink.host,
        port: sink.port,
        secure: false,
        allowPlaintext: true,
        user: LOGIN.user,
        password: LOGIN.password,
      },
      mail: { from: `Deploy Shop <${INBOUND_ADDRESS}>`, inboundAddress: INBOUND_ADDRESS, defaultSubject: "Your order" },
    },
    async sendToCustomer(gateway, crmMessageId, text) {
      await sendAccepted(gateway, { contact: CUSTOMER, crmMessageId, text });
      await waitFor(
        () => sink.messages.some((m) => m.envelope.rcptTo.includes(CUSTOMER) && (m.parsed.text ?? "").includes(text)),
        20_000,
      );
    },
    async receiveFromCustomer(gateway, text) {
      await deliverMail(inboundPort, [
        `From: Alice <${CUSTOMER}>`,
        `To: ${INBOUND_ADDRESS}`,
        "Subject: Where is my order?",
        `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@example.test>`,
        `Date: ${new Date().toUTCString()}`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        text,
      ]);
      await waitForIncoming(gateway, text);
    },
    close: () => sink.close(),
  };
}

/** One plain SMTP transaction to 127.0.0.1:`port`; throws on any reply that is not a success. */
async function deliverMail(port: number, lines: string[]): Promise<void> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.setEncoding("utf8");
  let buffer = "";
  const waiters: Array<() => void> = [];
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    waiters.splice(0).forEach((wake) => wake());
  });
  const failed = new Promise<never>((_, reject) => socket.once("error", reject));
  /** The next complete reply (its last line is `NNN ` rather than `NNN-`). */
  const reply = async (): Promise<string> => {
    for (;;) {
      const end = /^\d{3} .*\r\n/m.exec(buffer);
      if (end) {
        const text = buffer.slice(0, end.index + end[0].length);
        buffer = buffer.slice(text.length);
        return text;
      }
      await Promise.race([new Promise<void>((wake) => waiters.push(wake)), failed]);
    }
  };
  const expect = async (code: string, command?: string) => {
    if (command !== undefined) socket.write(`${command}\r\n`);
    const text = await reply();
    if (!text.startsWith(code)) throw new Error(`SMTP ${command ?? "greeting"}: ${text.trim()}`);
  };
  try {
    await expect("220");
    await expect("250", "EHLO client.example.test");
    await expect("250", `MAIL FROM:<${CUSTOMER}>`);
    await expect("250", `RCPT TO:<${INBOUND_ADDRESS}>`);
    await expect("354", "DATA");
    await expect("250", `${lines.map((line) => (line.startsWith(".") ? `.${line}` : line)).join("\r\n")}\r\n.`);
    await expect("221", "QUIT");
  } finally {
    socket.destroy();
  }
}
