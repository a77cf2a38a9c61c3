/**
 * @module services — the gateway's stateful parts, built once per runtime.
 */
import type { GatewayRuntime } from "@switchboard/core";
import { MessageStore } from "./db/message-store.js";
import { TokenStore } from "./db/token-store.js";
import type { SmtpDestinationPolicy } from "./send/smtp-destination.js";
import type { SmtpClientOptions } from "./send/smtp-options.js";
import { TransportPool } from "./send/transport-pool.js";
import { Conversations } from "./threading/conversations.js";

/** How the gateway talks to tenants' SMTP servers: which destinations are allowed, which CAs are trusted. */
export type OutboundSmtpOptions = SmtpDestinationPolicy & SmtpClientOptions;

/** What sending and receiving share: stores, thread lookups and SMTP transports. */
export interface EmailServices {
  runtime: GatewayRuntime;
  messages: MessageStore;
  tokens: TokenStore;
  conversations: Conversations;
  transports: TransportPool;
  outbound: OutboundSmtpOptions;
}

/** Hands out one set of services per runtime (tests start several gateways in one process). */
export class ServiceRegistry {
  private readonly byRuntime = new WeakMap<GatewayRuntime, EmailServices>();
  private readonly pools = new Set<TransportPool>();

  constructor(readonly outbound: OutboundSmtpOptions = { allowPrivate: false }) {}

  /** The services of a runtime, created on first use. */
  for(runtime: GatewayRuntime): EmailServices {
    let services = this.byRuntime.get(runtime);
    if (!services) {
      const messages = new MessageStore(runtime.db);
      const transports = new TransportPool(this.outbound);
      this.pools.add(transports);
      services = {
        runtime,
        messages,
        tokens: new TokenStore(runtime.db),
        conversations: new Conversations(messages, runtime),
        transports,
        outbound: this.outbound,
      };
      this.byRuntime.set(runtime, services);
    }
    return services;
  }

  /** Closes every SMTP transport. */
  close(): void {
    for (const pool of this.pools) pool.closeAll();
    this.pools.clear();
  }
}
