/**
 * @module fakes/smtp-arrivals-server — a real SMTP server (smtp-server: EHLO, AUTH, MAIL, RCPT,
 * DATA, pipelined by the gateway's pooled nodemailer) as the tenant's relay in measurements.
 * testkit's SMTP sink parses every message with mailparser and keeps it; under 100 000 sends that
 * measures the sink. This one keeps only when each marker arrived: the first `[[marker]]` in the
 * raw message (the bench's texts are short ASCII, so no transfer encoding splits one), stamped on
 * `performance.now()` when the message's data ended. It can hold its answer to DATA until released.
 */
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { SMTPServer } from "smtp-server";
import { MARKER, recordArrival, type ChannelPeer, type PeerMode } from "./channel-peer.js";

/** The login the server accepts. */
export interface SmtpLogin {
  user: string;
  password: string;
}

/** The running server. */
export class SmtpArrivalsServer implements ChannelPeer {
  readonly arrivals = new Map<string, number[]>();
  delivered = 0;
  /** Messages whose DATA ended without a marker in them (none is expected from the bench). */
  unmarked = 0;
  /** Held messages whose client hung up (its timeout) before they were released: never accepted. */
  abandoned = 0;
  private readonly closedSessions = new Set<string>();
  private mode: PeerMode = { kind: "ok" };
  private held: Array<() => void> = [];

  private readonly server: SMTPServer;
  readonly host = "127.0.0.1";
  /** The port it listens on (set by {@link SmtpArrivalsServer.start}). */
  port = 0;

  private constructor(readonly login: SmtpLogin) {
    this.server = new SMTPServer({
      name: "bench-relay.test",
      logger: false,
      secure: false,
      // No certificate here: the tenant allows an unencrypted connection, as for a relay on loopback.
      disabledCommands: ["STARTTLS"],
      hideSTARTTLS: true,
      allowInsecureAuth: true,
      authMethods: ["PLAIN", "LOGIN"],
      disableReverseLookup: true,
      closeTimeout: 100,
      onAuth(credentials, _session, callback) {
        if (credentials.username === login.user && credentials.password === login.password)
          return callback(null, { user: credentials.username });
        callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => this.received(session.id, Buffer.concat(chunks), callback));
      },
      onClose: (session, callback) => {
        // Only sessions with a held message are looked up again; the others need not be kept.
        if (this.held.length > 0) this.closedSessions.add(session.id);
        callback();
      },
    });
  }

  /** Starts the server on a free loopback port, accepting only `login`. */
  static async start(login: SmtpLogin): Promise<SmtpArrivalsServer> {
    const self = new SmtpArrivalsServer(login);
    self.port = await new Promise<number>((resolve, reject) => {
      self.server.once("error", reject);
      self.server.listen(0, self.host, () => {
        self.server.off("error", reject);
        resolve((self.server.server.address() as AddressInfo).port);
      });
    });
    return self;
  }

  setMode(mode: PeerMode): void {
    this.mode = mode;
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
    this.closedSessions.clear();
  }

  /** Messages whose DATA is waiting for its answer in `hold` mode. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Held messages whose session has closed. */
  get heldOfClosedSessions(): number {
    return this.closedSessions.size;
  }

  close(): Promise<void> {
    this.mode = { kind: "ok" };
    this.release();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private received(sessionId: string, raw: Buffer, callback: (error?: Error | null, message?: string) => void): void {
    const accept = (at: number) => {
      const marker = MARKER.exec(raw.toString("latin1"))?.[1];
      if (marker === undefined) this.unmarked += 1;
      this.delivered += 1;
      recordArrival(this.arrivals, marker ?? "", at);
      callback(null, `OK: queued as bench-${this.delivered}`);
    };
    if (this.mode.kind === "ok") return accept(performance.now());
    this.held.push(() => {
      // The client gave up on its answer meanwhile: it will send this message again.
      if (this.closedSessions.delete(sessionId)) this.abandoned += 1;
      else accept(performance.now());
    });
  }
}
