/**
 * @module smtp-sink/smtp-sink — a real SMTP server on loopback that records what it accepts.
 * Tests point a mail client (nodemailer) at it and script failures with `failNext`.
 */
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { ScriptedReplies } from "./scripted-replies.js";
import type { SinkEnvelope, SinkMessage, SmtpSink, SmtpSinkOptions } from "./types.js";

/**
 * Starts an SMTP sink: accepts every message (optionally only after AUTH), advertises DSN,
 * parses each message with mailparser and records `{envelope, raw, parsed}`.
 * @example
 * const sink = await startSmtpSink({ auth: { user: "u", password: "p" } });
 * sink.failNext({ code: 550, message: "5.1.1 No such user", stage: "RCPT" });
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? "127.0.0.1";
  const replies = new ScriptedReplies();
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  const auth = options.auth;

  const server = new SMTPServer({
    name: "smtp-sink.test",
    logger: false,
    secure: false,
    hideSTARTTLS: !options.tls,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disabledCommands: [...(options.tls ? [] : ["STARTTLS"]), ...(auth ? [] : ["AUTH"])],
    authOptional: !auth,
    allowInsecureAuth: true,
    hideDSN: options.dsn === false,
    disableReverseLookup: true,
    // close() drops idle client connections (e.g. a sender's pool) after this grace period.
    closeTimeout: 100,
    size: options.maxBytes,
    rejectOversized: options.maxBytes !== undefined,
    onConnect(_session, callback) {
      callback(replies.take("CONNECT") ?? null);
    },
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.password) {
        callback(null, { user: credentials.username });
      } else {
        callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
      }
    },
    onMailFrom(_address, _session, callback) {
      callback(replies.take("MAIL") ?? null);
    },
    onRcptTo(_address, _session, callback) {
      callback(replies.take("RCPT") ?? null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const scripted = replies.take("DATA");
        if (scripted || stream.sizeExceeded) return callback(scripted ?? null);
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            messages.push({ envelope: envelopeOf(session), raw, parsed });
            for (const wake of waiters) wake();
            callback(null, "OK: queued as sink-" + messages.length);
          },
          (error: unknown) =>
            callback(Object.assign(new Error(`Cannot parse message: ${String(error)}`), { responseCode: 451 })),
        );
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    const listener = server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = listener.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  // Errors of single connections (client hang-ups) must not crash the test process.
  server.on("error", () => undefined);

  return {
    host,
    port,
    messages,
    get pendingReplies() {
      return replies.size;
    },
    failNext: (reply) => replies.push(reply),
    waitForMessages: (count, timeoutMs = 5000) => waitForCount(messages, waiters, count, timeoutMs),
    reset() {
      messages.length = 0;
      replies.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function envelopeOf(session: SMTPServerSession): SinkEnvelope {
  const { mailFrom, rcptTo, dsn } = session.envelope;
  const notify: Record<string, string[]> = {};
  for (const rcpt of rcptTo) if (rcpt.dsn?.notify) notify[rcpt.address] = rcpt.dsn.notify;
  return {
    mailFrom: mailFrom ? mailFrom.address : "",
    rcptTo: rcptTo.map((rcpt) => rcpt.address),
    dsn: { ret: dsn?.ret ?? null, envid: dsn?.envid ?? null, notify },
    user: typeof session.user === "string" ? session.user : null,
    secure: session.secure,
  };
}

function waitForCount(
  messages: SinkMessage[],
  waiters: Set<() => void>,
  count: number,
  timeoutMs: number,
): Promise<SinkMessage[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (messages.length < count) return;
      done();
      resolve([...messages]);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`SMTP sink: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });
}
