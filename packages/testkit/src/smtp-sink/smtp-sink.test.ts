import nodemailer from "nodemailer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSmtpSink } from "./smtp-sink.js";
import type { SmtpSink } from "./types.js";

type SmtpError = Error & { responseCode?: number; code?: string };

function transport(sink: SmtpSink, auth?: { user: string; pass: string }) {
  return nodemailer.createTransport({ host: sink.host, port: sink.port, secure: false, auth });
}

async function sendError(promise: Promise<unknown>): Promise<SmtpError> {
  try {
    await promise;
  } catch (error) {
    return error as SmtpError;
  }
  throw new Error("expected the send to fail");
}

describe("smtp sink", () => {
  let sink: SmtpSink;
  afterEach(() => sink.close());

  describe("without auth", () => {
    beforeEach(async () => {
      sink = await startSmtpSink();
    });

    it("records envelope, raw bytes and the parsed message, with DSN parameters", async () => {
      await transport(sink).sendMail({
        from: "Shop <shop@example.com>",
        to: "customer@example.org",
        subject: "Hello",
        text: "Plain body",
        html: "<p>HTML body</p>",
        envelope: { from: "bounces@example.com", to: "customer@example.org" },
        dsn: { envid: "env-1", ret: "HDRS", notify: "FAILURE", orcpt: "customer@example.org" },
      });
      const [message] = await sink.waitForMessages(1);
      expect(message?.envelope.mailFrom).toBe("bounces@example.com");
      expect(message?.envelope.rcptTo).toEqual(["customer@example.org"]);
      expect(message?.envelope.dsn).toEqual({
        ret: "HDRS",
        envid: "env-1",
        notify: { "customer@example.org": ["FAILURE"] },
      });
      expect(message?.parsed.subject).toBe("Hello");
      expect(message?.parsed.text?.trim()).toBe("Plain body");
      expect(message?.parsed.html).toContain("<p>HTML body</p>");
      expect(message?.raw.toString()).toContain("Subject: Hello");
    });

    it("answers a scripted 550 at RCPT once, then accepts again", async () => {
      sink.failNext({ code: 550, message: "5.1.1 No such user" });
      const client = transport(sink);
      const error = await sendError(client.sendMail({ from: "a@example.com", to: "b@example.com", text: "x" }));
      expect(error.responseCode).toBe(550);
      expect(error.message).toContain("5.1.1 No such user");
      expect(sink.pendingReplies).toBe(0);
      await client.sendMail({ from: "a@example.com", to: "b@example.com", text: "second" });
      const messages = await sink.waitForMessages(1);
      expect(messages.map((m) => m.parsed.text?.trim())).toEqual(["second"]);
    });

    it("answers scripted replies at MAIL, DATA and CONNECT", async () => {
      const client = transport(sink);
      sink.failNext({ code: 421, stage: "MAIL", message: "Try later" });
      expect((await sendError(client.sendMail({ from: "a@x.test", to: "b@x.test", text: "1" }))).responseCode).toBe(
        421,
      );
      sink.failNext({ code: 552, stage: "DATA", message: "Mailbox full" });
      expect((await sendError(client.sendMail({ from: "a@x.test", to: "b@x.test", text: "2" }))).responseCode).toBe(
        552,
      );
      sink.failNext({ code: 421, stage: "CONNECT" });
      const connectError = await sendError(client.sendMail({ from: "a@x.test", to: "b@x.test", text: "3" }));
      expect(connectError.message).toMatch(/421/);
      expect(sink.messages).toHaveLength(0);
    });

    it("waitForMessages rejects when too few messages arrive", async () => {
      await expect(sink.waitForMessages(1, 50)).rejects.toThrow(/expected 1 message/);
    });
  });

  it("requires the configured credentials", async () => {
    sink = await startSmtpSink({ auth: { user: "shop", password: "s3cret" } });
    const bad = await sendError(
      transport(sink, { user: "shop", pass: "wrong" }).sendMail({ from: "a@x.test", to: "b@x.test", text: "x" }),
    );
    expect(bad.code).toBe("EAUTH");
    await transport(sink, { user: "shop", pass: "s3cret" }).sendMail({ from: "a@x.test", to: "b@x.test", text: "ok" });
    const [message] = await sink.waitForMessages(1);
    expect(message?.envelope.user).toBe("shop");
  });

  it("refuses messages over maxBytes with 552", async () => {
    sink = await startSmtpSink({ maxBytes: 2048 });
    const error = await sendError(
      transport(sink).sendMail({ from: "a@x.test", to: "b@x.test", text: "y".repeat(10_000) }),
    );
    expect(error.responseCode).toBe(552);
    expect(sink.messages).toHaveLength(0);
  });

  it("does not advertise DSN when disabled", async () => {
    sink = await startSmtpSink({ dsn: false });
    await transport(sink).sendMail({
      from: "a@x.test",
      to: "b@x.test",
      text: "x",
      dsn: { envid: "e", ret: "Full", notify: "FAILURE", orcpt: "b@x.test" },
    });
    const [message] = await sink.waitForMessages(1);
    expect(message?.envelope.dsn).toEqual({ ret: null, envid: null, notify: {} });
  });
});
