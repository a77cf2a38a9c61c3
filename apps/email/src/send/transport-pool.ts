/**
 * @module send/transport-pool — one pooled nodemailer transport per tenant, rebuilt when the
 * tenant's SMTP settings change and closed on shutdown.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type { SmtpAccount } from "../settings/form.js";
import type { SmtpDestination } from "./smtp-destination.js";
import { smtpConnectionOptions, smtpFingerprint, type SmtpClientOptions } from "./smtp-options.js";

/** A pooled SMTP transport. */
export type PooledTransport = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

/** Keeps the tenants' pooled transports. */
export class TransportPool {
  private readonly transports = new Map<number, { fingerprint: string; transport: PooledTransport }>();

  constructor(private readonly client: SmtpClientOptions = {}) {}

  /** The tenant's transport for these settings and checked address, created or rebuilt as needed. */
  get(tenantId: number, smtp: SmtpAccount, destination: SmtpDestination): PooledTransport {
    const key = tenantId;
    const fingerprint = smtpFingerprint(smtp, destination);
    const current = this.transports.get(key);
    if (current?.fingerprint === fingerprint) return current.transport;
    current?.transport.close();
    const transport = nodemailer.createTransport({
      ...smtpConnectionOptions(smtp, destination, this.client),
      pool: true,
      maxConnections: 3,
      maxMessages: 100,
    });
    this.transports.set(key, { fingerprint, transport });
    return transport;
  }

  /** Drops a tenant's transport (its settings changed); the next send builds a new one. */
  invalidate(tenantId: number): void {
    const key = tenantId;
    this.transports.get(key)?.transport.close();
    this.transports.delete(key);
  }

  /** Closes every transport. */
  closeAll(): void {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }
}
