/**
 * @module inbound/smtp-inbound-server — the gateway's own MX: an smtp-server that accepts mail for
 * the tenants' inbound addresses only (550 at RCPT otherwise), refuses oversized mail with 552 and
 * stores each message's events (`mailEvents`, then `runtime.storeEvents`) before answering, so a
 * 250 means the CRM will get it.
 * Limits keep one client from holding it: connections in total and per client address, messages
 * per minute per client address, recipients per message, idle and total session time.
 */
import { type Tenant } from "@switchboard/core";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { EmailServices } from "../services.js";
import type { EmailSettings } from "../settings/form.js";
import { ClientLimits, clientKey, DEFAULT_INBOUND_LIMITS, type InboundLimits } from "./client-limits.js";
import { InboundRejection } from "./inbound-rejection.js";
import { mailEvents } from "./mail-events.js";
import { checkSender } from "./sender-authenticity.js";
import { domainOf } from "../contact/address.js";
import type { DomainProof } from "./domain-verification.js";
import { tenantForAddress } from "./recipients.js";

/** Where and how the inbound SMTP server listens. */
export interface InboundServerOptions {
  port: number;
  host: string;
  maxBytes: number;
  /** PEM key and certificate: STARTTLS is offered when set. */
  tls?: { key: string; cert: string };
  /** Per-client and per-session limits (defaults: {@link DEFAULT_INBOUND_LIMITS}). */
  limits?: Partial<InboundLimits>;
  /**
   * Addresses of TCP balancers whose connections start with a PROXY protocol v1 header
   * (`SMTP_INBOUND_PROXY_FROM`): the sender's address it names is the client's, for the limits and
   * SPF. Connections from other addresses are plain SMTP.
   */
  proxyFrom?: readonly string[];
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
  services: EmailServices,
): Promise<InboundServer> {
  const { runtime } = services;
  const log = runtime.logger.child({ component: "smtp-inbound" });
  const limits: InboundLimits = { ...DEFAULT_INBOUND_LIMITS, ...options.limits };
  const clients = new ClientLimits(limits);
  const sessionTimers = new Map<string, NodeJS.Timeout>();
  const clientOf = (session: SMTPServerSession): string => clientKey(session.remoteAddress || "unknown");
  const mta = new URL(runtime.config.selfUri).hostname;
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
    // smtp-server takes a list of peers (its types say boolean only); an empty list would trust no one anyway.
    ...(options.proxyFrom?.length ? { useProxy: [...options.proxyFrom] as unknown as boolean } : {}),
    // On shutdown, idle client connections get 421 after this grace period instead of 30 s.
    closeTimeout: 3000,
    maxClients: limits.maxClients,
    maxRecipients: limits.maxRecipients,
    socketTimeout: limits.idleTimeoutMs,
    onConnect(session, callback) {
      const client = clientOf(session);
      if (!clients.connect(client, session.id)) {
        log.warn({ event: "smtp.client_over_limit", client }, "email: inbound SMTP client over its connection limit");
        return callback(smtpError(421, "4.7.0 Too many connections from your address, try again later"));
      }
      // The idle timeout does not stop a client that keeps talking slowly; this ends any session.
      const timer = setTimeout(() => endSession(session.id), limits.sessionTimeoutMs);
      timer.unref();
      sessionTimers.set(session.id, timer);
      callback();
    },
    onClose(session) {
      const timer = sessionTimers.get(session.id);
      if (!timer) return; // refused at connect: never counted
      clearTimeout(timer);
      sessionTimers.delete(session.id);
      clients.disconnect(clientOf(session), session.id);
    },
    onMailFrom(_address, session, callback) {
      if (clients.startMessage(clientOf(session))) return callback();
      callback(smtpError(451, "4.7.1 Too many messages from your address, slow down and try again later"));
    },
    onRcptTo(address, session, callback) {
      recipientRefusal(address.address, session).then(
        (refusal) => callback(refusal),
        (error: unknown) => callback(replyFor(error)),
      );
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
  server.on("error", (error) =>
    log.warn({ event: "smtp.connection_error", err: error }, "email: inbound SMTP connection error"),
  );
  const sweeper = setInterval(() => clients.sweep(), 60_000);
  sweeper.unref();

  function endSession(id: string): void {
    for (const connection of server.connections) {
      if (connection.id !== id) continue;
      log.info(
        { event: "smtp.session_timeout", client: connection.remoteAddress },
        "email: inbound SMTP session over its time limit",
      );
      connection.send(421, "4.4.2 Session time limit reached, closing connection");
    }
  }

  /** Why a recipient is refused (no such mailbox, or its domain not proved), or undefined to take it. */
  async function recipientRefusal(address: string, session: SMTPServerSession): Promise<SmtpError | undefined> {
    const tenant = await tenantForAddress(runtime, address);
    if (!tenant) return smtpError(550, `5.1.1 <${address}>: Recipient address rejected: no such mailbox here`);
    const proof = await services.domains.check(tenant.id, domainOf(address));
    return proof === "verified" ? undefined : unprovenDomain(tenant, address, proof, session);
  }

  async function deliver(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const tenants = new Map<string, Tenant<EmailSettings>>();
    for (const rcpt of session.envelope.rcptTo) {
      const tenant = await tenantForAddress(runtime, rcpt.address);
      if (tenant) tenants.set(tenant.publicId, tenant);
    }
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
    const verdict = services.checkSenders
      ? await checkSender(
          raw,
          { ip: session.remoteAddress, helo: session.hostNameAppearsAs, mailFrom },
          services.dns,
          mta,
        )
      : undefined;
    if (verdict)
      log.info({ event: "smtp.sender_checks", ...verdict, warning: undefined }, "email: inbound sender checks");
    for (const tenant of tenants.values()) {
      const { outcome, events } = await mailEvents(services, tenant, raw, {
        mailFrom,
        senderWarning: verdict?.warning,
      });
      // The same atomic store as a webhook's: the 250 only follows once the events are stored.
      const stored = await runtime.storeEvents(tenant, events);
      const said = outcome === "forwarded" && stored.fresh === 0 ? "duplicate" : outcome;
      log.debug({ event: "smtp.message", tenant: tenant.id, outcome: said }, "email: inbound SMTP message");
    }
  }

  /**
   * An address whose tenant has not proved its domain (any tenant could claim any address on a
   * shared MX). Refused for good, except a bounce (never 550) or when DNS could not answer: 450.
   */
  function unprovenDomain(tenant: Tenant, address: string, proof: DomainProof, session: SMTPServerSession): SmtpError {
    const bounce = !session.envelope.mailFrom || !session.envelope.mailFrom.address;
    if (proof === "unknown" || bounce) {
      return smtpError(450, `4.7.1 <${address}>: the domain's verification cannot be confirmed now, try again later`);
    }
    log.info({ event: "smtp.domain_unverified", tenant: tenant.id }, "email: RCPT for an unverified inbound domain");
    return smtpError(550, `5.7.1 <${address}>: Recipient address rejected: its domain is not verified on this gateway`);
  }

  function replyFor(error: unknown): SmtpError {
    if (error instanceof InboundRejection) return smtpError(error.smtpCode, error.message);
    log.error({ event: "smtp.message_failed", err: error }, "email: inbound message could not be processed");
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
  log.info(
    { event: "smtp.listening", port, address: options.host, tls: Boolean(options.tls) },
    "email: inbound SMTP server listening",
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweeper);
        for (const timer of sessionTimers.values()) clearTimeout(timer);
        sessionTimers.clear();
        server.close(() => resolve());
      }),
  };
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
