/**
 * @module env — the one reader of the email gateway's environment: its inbound SMTP server,
 * outbound SMTP policy and inbound checks. Core's own variables are handed to core as they are.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { GatewayEnvironment } from "@switchboard/core";
import { z } from "zod";
import { DEFAULT_INBOUND_LIMITS } from "./inbound/client-limits.js";
import type { InboundServerOptions } from "./inbound/smtp-inbound-server.js";
import type { InboundCheckOptions, OutboundSmtpOptions } from "./services.js";

/** Largest raw message by default (25 MiB), over SMTP and through the webhook alike. */
export const DEFAULT_MAX_BYTES = 26_214_400;

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const count = z.coerce.number().int().positive();

const schema = z.object({
  SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_INBOUND_HOST: z.string().min(1).default("0.0.0.0"),
  SMTP_INBOUND_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BYTES),
  SMTP_INBOUND_TLS_KEY: z.string().optional(),
  SMTP_INBOUND_TLS_CERT: z.string().optional(),
  SMTP_INBOUND_MAX_RECIPIENTS: count.default(DEFAULT_INBOUND_LIMITS.maxRecipients),
  SMTP_INBOUND_MAX_CLIENTS: count.default(DEFAULT_INBOUND_LIMITS.maxClients),
  SMTP_INBOUND_MAX_PER_IP: count.default(DEFAULT_INBOUND_LIMITS.maxPerIp),
  SMTP_INBOUND_MESSAGES_PER_MINUTE: count.default(DEFAULT_INBOUND_LIMITS.messagesPerMinute),
  SMTP_INBOUND_IDLE_TIMEOUT_SECONDS: count.default(DEFAULT_INBOUND_LIMITS.idleTimeoutMs / 1000),
  SMTP_INBOUND_SESSION_TIMEOUT_SECONDS: count.default(DEFAULT_INBOUND_LIMITS.sessionTimeoutMs / 1000),
  SWITCHBOARD_ALLOW_PRIVATE_SMTP: bool.default(false),
  SMTP_INBOUND_VERIFIED_DOMAINS: z.string().default(""),
  SMTP_INBOUND_SENDER_CHECKS: bool.default(true),
  /** Balancers in front of the inbound server that send a PROXY protocol header, comma-separated. */
  SMTP_INBOUND_PROXY_FROM: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every((entry) => isIP(entry) !== 0), "must be IP addresses, comma-separated"),
});

/** The email gateway's own environment: what its `setup` is given (tests build it directly). */
export interface EmailEnv {
  /** The inbound SMTP server; none when absent (`SMTP_INBOUND_PORT` unset). Port 0 picks a free port. */
  inbound?: InboundServerOptions;
  /** Largest raw message the HTTP inbound webhook takes (default: the inbound server's limit, else 25 MiB). */
  maxBytes?: number;
  /** Tenants' SMTP servers: private relays allowed (`SWITCHBOARD_ALLOW_PRIVATE_SMTP`), extra CA, host lookup. */
  outbound?: OutboundSmtpOptions;
  /** Inbound checks: DNS resolver (tests: fixed records), pre-verified domains, SPF/DKIM/DMARC on or off. */
  checks?: InboundCheckOptions;
}

/** A PEM value given inline, or the path of a PEM file. */
function pem(value: string): string {
  return value.includes("-----BEGIN") ? value.replace(/\\n/g, "\n") : readFileSync(value, "utf8");
}

/**
 * Reads and validates the email variables; throws one readable error listing every bad one. Core's
 * variables go to core unchanged (it validates them itself).
 */
export function readEmailEnv(source: Record<string, string | undefined> = process.env): GatewayEnvironment<EmailEnv> {
  const blankless = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(blankless);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const e = parsed.data;
  if (Boolean(e.SMTP_INBOUND_TLS_KEY) !== Boolean(e.SMTP_INBOUND_TLS_CERT)) {
    throw new Error("Invalid configuration: set both SMTP_INBOUND_TLS_KEY and SMTP_INBOUND_TLS_CERT, or neither");
  }
  const tls =
    e.SMTP_INBOUND_TLS_KEY && e.SMTP_INBOUND_TLS_CERT
      ? { key: pem(e.SMTP_INBOUND_TLS_KEY), cert: pem(e.SMTP_INBOUND_TLS_CERT) }
      : undefined;
  const inbound: InboundServerOptions | undefined =
    e.SMTP_INBOUND_PORT === undefined
      ? undefined
      : {
          port: e.SMTP_INBOUND_PORT,
          host: e.SMTP_INBOUND_HOST,
          maxBytes: e.SMTP_INBOUND_MAX_BYTES,
          tls,
          proxyFrom: e.SMTP_INBOUND_PROXY_FROM,
          limits: {
            maxRecipients: e.SMTP_INBOUND_MAX_RECIPIENTS,
            maxClients: e.SMTP_INBOUND_MAX_CLIENTS,
            maxPerIp: e.SMTP_INBOUND_MAX_PER_IP,
            messagesPerMinute: e.SMTP_INBOUND_MESSAGES_PER_MINUTE,
            idleTimeoutMs: e.SMTP_INBOUND_IDLE_TIMEOUT_SECONDS * 1000,
            sessionTimeoutMs: e.SMTP_INBOUND_SESSION_TIMEOUT_SECONDS * 1000,
          },
        };
  return {
    core: source,
    gateway: {
      inbound,
      maxBytes: e.SMTP_INBOUND_MAX_BYTES,
      outbound: { allowPrivate: e.SWITCHBOARD_ALLOW_PRIVATE_SMTP },
      checks: {
        verifiedDomains: e.SMTP_INBOUND_VERIFIED_DOMAINS.split(",")
          .map((d) => d.trim().toLowerCase())
          .filter(Boolean),
        senderChecks: e.SMTP_INBOUND_SENDER_CHECKS,
      },
    },
  };
}
