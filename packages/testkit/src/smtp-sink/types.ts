/**
 * @module smtp-sink/types — what the SMTP sink records and how tests script its replies.
 */
import type { ParsedMail } from "mailparser";

/** SMTP stages at which the sink can answer with a scripted reply. */
export type SmtpStage = "CONNECT" | "MAIL" | "RCPT" | "DATA";

/** A scripted SMTP reply: `code` (e.g. 550, 421), text, and the stage it answers (default RCPT). */
export interface ScriptedReply {
  code: number;
  message?: string;
  stage?: SmtpStage;
}

/** The SMTP envelope of one accepted message, with its DSN parameters (RFC 3461). */
export interface SinkEnvelope {
  /** MAIL FROM address (`""` for the null sender). */
  mailFrom: string;
  /** RCPT TO addresses, in order. */
  rcptTo: string[];
  dsn: {
    /** RET parameter of MAIL FROM (`FULL` / `HDRS`), null when absent. */
    ret: string | null;
    /** ENVID parameter of MAIL FROM, null when absent. */
    envid: string | null;
    /** NOTIFY values per recipient (upper case), from RCPT TO. */
    notify: Record<string, string[]>;
  };
  /** User name the client authenticated as, when it did. */
  user: string | null;
  /** The session was encrypted (STARTTLS) when the message came. */
  secure: boolean;
}

/** One message the sink accepted: envelope, raw RFC 822 bytes and the mailparser result. */
export interface SinkMessage {
  envelope: SinkEnvelope;
  raw: Buffer;
  parsed: ParsedMail;
}

/** Options of `startSmtpSink`. */
export interface SmtpSinkOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Require AUTH PLAIN/LOGIN with these credentials (cleartext allowed on loopback). */
  auth?: { user: string; password: string };
  /** Advertise the DSN extension (default true). */
  dsn?: boolean;
  /** Advertised SIZE limit in bytes; larger messages get 552. */
  maxBytes?: number;
  /** PEM key and certificate: STARTTLS is offered (default: plain text only, no STARTTLS). */
  tls?: { key: string; cert: string };
}

/** A running SMTP sink. */
export interface SmtpSink {
  host: string;
  port: number;
  /** Every accepted message, in arrival order. */
  messages: SinkMessage[];
  /** Scripted replies not used yet. */
  readonly pendingReplies: number;
  /** Answers the next command of `reply.stage` with `reply.code`; calls queue up in order. */
  failNext(reply: ScriptedReply): void;
  /** Resolves once at least `count` messages were accepted (in total), with all of them. */
  waitForMessages(count: number, timeoutMs?: number): Promise<SinkMessage[]>;
  /** Forgets recorded messages and scripted replies. */
  reset(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}
