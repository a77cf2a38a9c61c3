import { connect, type Socket } from "node:net";
import { TransportPool } from "@switchboard/email/dist/send/transport-pool.js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { smtpSession } from "../chaos/harness/smtp-session.js";
import { SmtpArrivalsServer } from "./smtp-arrivals-server.js";

const LOGIN = { user: "shop", password: "smtp-test-Pa55" };
let server: SmtpArrivalsServer;
// The email gateway's own pooled nodemailer transport, as it sends in production.
const pool = new TransportPool();
beforeAll(async () => {
  server = await SmtpArrivalsServer.start(LOGIN);
});
afterAll(async () => {
  pool.closeAll();
  await server?.close();
});

const transport = (password = LOGIN.password) =>
  pool.get(
    password === LOGIN.password ? 1 : 2,
    { host: server.host, port: server.port, secure: false, allowPlaintext: true, user: LOGIN.user, password },
    { address: server.host, servername: undefined },
  );

const mail = (text: string) => ({
  from: "shop@bench-shop.test",
  to: "customer@bench-customers.test",
  subject: "Your order",
  text,
  html: `<p>${text}</p>`,
});

test("a message sent with the gateway's transport is accepted and its marker recorded once", async () => {
  const before = server.delivered;
  const info = await transport().sendMail(mail("Hello [[s1]]"));
  expect(info.response).toMatch(/^250 /);
  expect(server.delivered).toBe(before + 1);
  // The marker is in the text and the HTML part: one message is one arrival.
  expect(server.arrivals.get("s1")).toHaveLength(1);
  expect(server.unmarked).toBe(0);
});

test("a wrong password is refused with 535 and nothing is recorded", async () => {
  const before = server.delivered;
  await expect(transport("wrong").sendMail(mail("x [[s2]]"))).rejects.toMatchObject({ responseCode: 535 });
  expect(server.delivered).toBe(before);
});

test("a real SMTP dialogue without AUTH is refused before MAIL", async () => {
  const session = await smtpSession(server.port, ["EHLO bench.test", "MAIL FROM:<a@b.test>"], "");
  expect(session.replies.map((r) => r.code)).toEqual([220, 250, 530, 221]);
});

test("held messages get their 250 only when released", async () => {
  server.setMode({ kind: "hold" });
  const sent = transport().sendMail(mail("Held [[s3]]"));
  await expect.poll(() => server.heldCount).toBe(1);
  expect(server.arrivals.has("s3")).toBe(false);
  server.setMode({ kind: "ok" });
  server.release();
  expect((await sent).response).toMatch(/^250 /);
  expect(server.arrivals.get("s3")).toHaveLength(1);
});

test("a held message whose client hung up is counted as abandoned, not as an arrival", async () => {
  server.setMode({ kind: "hold" });
  const socket = connect({ host: server.host, port: server.port });
  const replies = replyCodes(socket);
  const auth = Buffer.from(`\0${LOGIN.user}\0${LOGIN.password}`).toString("base64");
  for (const [command, code] of [
    ["", 220],
    ["EHLO bench.test", 250],
    [`AUTH PLAIN ${auth}`, 235],
    ["MAIL FROM:<shop@bench-shop.test>", 250],
    ["RCPT TO:<customer@bench-customers.test>", 250],
    ["DATA", 354],
  ] as const) {
    if (command) socket.write(`${command}\r\n`);
    expect(await replies.next()).toBe(code);
  }
  socket.write("Subject: late\r\n\r\nLate [[s4]]\r\n.\r\n");
  await expect.poll(() => server.heldCount).toBe(1);
  socket.destroy();
  await expect.poll(() => server.heldOfClosedSessions).toBe(1);
  server.setMode({ kind: "ok" });
  server.release();
  expect(server.abandoned).toBe(1);
  expect(server.arrivals.has("s4")).toBe(false);
});

/** The reply codes of an SMTP connection, one per complete reply, in order. */
function replyCodes(socket: Socket): { next(): Promise<number> } {
  const codes: number[] = [];
  const waiting: Array<(code: number) => void> = [];
  let buffer = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      // "250-..." continues a reply; "250 ..." ends it.
      if (/^\d{3}(?: |$)/.test(line)) {
        const code = Number(line.slice(0, 3));
        const wake = waiting.shift();
        if (wake) wake(code);
        else codes.push(code);
      }
    }
  });
  return {
    next: () => {
      const code = codes.shift();
      return code !== undefined ? Promise.resolve(code) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
