/**
 * @module services — the gateway's stateful parts, built once by its `setup`.
 */
import type { GatewayRuntime } from "@switchboard/core";
import type { EmailSettings } from "./settings/form.js";
import { MessageStore } from "./db/message-store.js";
import { TokenStore } from "./db/token-store.js";
import { systemDnsResolver, type DnsResolver } from "./inbound/dns-resolver.js";
import { DomainVerifier } from "./inbound/domain-verification.js";
import type { SmtpDestinationPolicy } from "./send/smtp-destination.js";
import type { SmtpClientOptions } from "./send/smtp-options.js";
import { TransportPool } from "./send/transport-pool.js";
import { Conversations } from "./threading/conversations.js";

/** How the gateway talks to tenants' SMTP servers: which destinations are allowed, which CAs are trusted. */
export type OutboundSmtpOptions = SmtpDestinationPolicy & SmtpClientOptions;

/** How the gateway checks inbound mail: its DNS resolver and the operator's pre-verified domains. */
export interface InboundCheckOptions {
  /** Default: the system resolver. Tests pass fixed records. */
  dns?: DnsResolver;
  /** `SMTP_INBOUND_VERIFIED_DOMAINS`: inbound domains that need no TXT proof. */
  verifiedDomains?: readonly string[];
  /** `SMTP_INBOUND_SENDER_CHECKS`: SPF, DKIM and DMARC of inbound mail (default on). */
  senderChecks?: boolean;
}

/** What sending and receiving share: stores, thread lookups and SMTP transports. */
export interface EmailServices {
  runtime: GatewayRuntime<EmailSettings>;
  messages: MessageStore;
  tokens: TokenStore;
  conversations: Conversations;
  transports: TransportPool;
  outbound: OutboundSmtpOptions;
  /** The DNS resolver of inbound checks (domain proofs, SPF, DKIM, DMARC). */
  dns: DnsResolver;
  domains: DomainVerifier;
  /** Whether inbound mail gets SPF, DKIM and DMARC checks. */
  checkSenders: boolean;
}

/** Builds the services of one running gateway (its `setup` holds them; `close` ends the SMTP transports). */
export async function createServices(
  runtime: GatewayRuntime<EmailSettings>,
  outbound: OutboundSmtpOptions = { allowPrivate: false },
  inbound: InboundCheckOptions = {},
): Promise<EmailServices & { close(): void }> {
  const dns = inbound.dns ?? systemDnsResolver();
  const verifiedDomains = new Set((inbound.verifiedDomains ?? []).map((d) => d.trim().toLowerCase()).filter(Boolean));
  const messages = new MessageStore(runtime.db);
  const transports = new TransportPool(outbound);
  const tokens = new TokenStore(runtime);
  await tokens.hashUnhashed();
  return {
    runtime,
    messages,
    tokens,
    conversations: new Conversations(messages, runtime),
    transports,
    outbound,
    dns,
    domains: new DomainVerifier(tokens, dns, verifiedDomains),
    checkSenders: inbound.senderChecks ?? true,
    close: () => transports.closeAll(),
  };
}
