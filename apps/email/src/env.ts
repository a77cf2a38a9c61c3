/**
 * @module env — the email gateway's own configuration: the inbound SMTP server. Core reads the rest.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { InboundServerOptions } from "./inbound/smtp-inbound-server.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z.object({
  SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_INBOUND_HOST: z.string().min(1).default("0.0.0.0"),
  SMTP_INBOUND_MAX_BYTES: z.coerce.number().int().positive().default(26_214_400),
  SMTP_INBOUND_TLS_KEY: z.string().optional(),
  SMTP_INBOUND_TLS_CERT: z.string().optional(),
  SWITCHBOARD_ALLOW_PRIVATE_SMTP: bool.default(false),
});

/** The email gateway's settings from the environment. */
export interface EmailEnv {
  /** Undefined when `SMTP_INBOUND_PORT` is not set: no inbound SMTP server. */
  inbound: InboundServerOptions | undefined;
  /** Largest accepted message, also for the raw-MIME HTTP route. */
  maxBytes: number;
  /** `SWITCHBOARD_ALLOW_PRIVATE_SMTP`: tenants may use SMTP servers on loopback and private networks. */
  allowPrivateSmtp: boolean;
}

/** A PEM value given inline, or the path of a PEM file. */
function pem(value: string): string {
  return value.includes("-----BEGIN") ? value.replace(/\\n/g, "\n") : readFileSync(value, "utf8");
}

/** Reads and validates the email variables; throws one readable error listing every bad one. */
export function loadEmailEnv(env: Record<string, string | undefined> = process.env): EmailEnv {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
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
  return {
    inbound:
      e.SMTP_INBOUND_PORT === undefined
        ? undefined
        : { port: e.SMTP_INBOUND_PORT, host: e.SMTP_INBOUND_HOST, maxBytes: e.SMTP_INBOUND_MAX_BYTES, tls },
    maxBytes: e.SMTP_INBOUND_MAX_BYTES,
    allowPrivateSmtp: e.SWITCHBOARD_ALLOW_PRIVATE_SMTP,
  };
}

/** The process environment, for core's `runGateway`. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
