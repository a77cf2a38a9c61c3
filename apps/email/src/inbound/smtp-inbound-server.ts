/**
 * @module inbound/smtp-inbound-server — the gateway's own MX: an smtp-server that accepts mail for
 * the tenants' inbound addresses only (550 at RCPT otherwise), refuses oversized mail with 552 and
 * hands each message to `processMail` before answering, so a 250 means the CRM will get it.
 */
import type { GatewayRuntime, Tenant } from "@switchboard/core";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { ServiceRegistry } from "../services.js";
import { InboundRejection } from "./inbound-rejection.js";
import { processMail } from "./process-mail.js";
import { tenantForAddress } from "./recipients.js";

/** Where and how the inbound SMTP server listens. */
export interface InboundServerOptions {
  port: number;
  host: string;
  maxBytes: number;
  /** PEM key and certificate: STARTTLS is offered when set. */
  tls?: { key: string; cert: string };
}

type SmtpError = Error & { responseCode: number };

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code });
}

/** A running inbound SMTP server. */
export interface InboundServer {
  port: number;
  close(): Promise<void>;
}

/** Starts the inbound SMTP server; resolves once it listens. */
export async function startInboundServer(
  options: InboundServerOptions,
  runtime: GatewayRuntime,
  registry: ServiceRegistry,
): Promise<InboundServer> {
  const log = runtime.logger.child({ component: "smtp-inbound" });
  const server = new SMTPServer({
    logger: false,
    banner: "Switchboard email gateway",
    size: options.maxBytes,
    rejectOversized: true,
    authOptional: true,
    // An MX takes mail from anyone; relaying and AUTH make no sense here.
    disabledCommands: options.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    hideSTARTTLS: !options.tls,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disableReverseLookup: true,
    // On shutdown, idle client connections get 421 after this grace period instead of 30 s.
    closeTimeout: 3000,
    onRcptTo(address, _session, callback) {
      if (tenantForAddress(runtime, address.address)) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: no such mailbox here`));
    },
    onData(stream, session, callback) {
      readMessage(stream, options.maxBytes).then(
        (raw) => {
          if (!raw) return callback(); // oversized: smtp-server answers 552 itself (rejectOversized)
          deliver(raw, session).then(
            () => callback(null, "OK: message accepted"),
            (error: unknown) => callback(replyFor(error)),
          );
        },
        (error: unknown) => callback(replyFor(error)),
      );
    },
  });
  server.on("error", (error) => log.warn({ err: error }, "email: inbound SMTP connection error"));

  async function deliver(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const tenants = new Map<string, Tenant>();
    for (const rcpt of session.envelope.rcptTo) {
      const tenant = tenantForAddress(runtime, rcpt.address);
      if (tenant) tenants.set(tenant.publicId, tenant);
    }
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
    for (const tenant of tenants.values()) {
      const outcome = await processMail(registry.for(runtime), tenant, raw, { mailFrom });
      log.debug({ tenant: tenant.publicId, outcome }, "email: inbound SMTP message");
    }
  }

  function replyFor(error: unknown): SmtpError {
    if (error instanceof InboundRejection) return smtpError(error.smtpCode, error.message);
    log.error({ err: error }, "email: inbound message could not be processed");
    return smtpError(451, "4.3.0 Temporary failure, please try again later");
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    const listener = server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = listener.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });
  log.info({ port, host: options.host, tls: Boolean(options.tls) }, "email: inbound SMTP server listening");
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Reads the DATA stream; undefined when it went over the limit (the rest is drained, not kept). */
function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.once("error", reject);
    stream.once("end", () => resolve(stream.sizeExceeded || size > maxBytes ? undefined : Buffer.concat(chunks)));
  });
}
