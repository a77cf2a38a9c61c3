/**
 * @module inbound/dns-resolver — the DNS lookups of inbound mail (domain proofs, SPF, DKIM, DMARC)
 * go through one replaceable resolver, so tests answer from fixed records and never the network.
 */
import { Resolver } from "node:dns/promises";

/** `dns.promises.resolve(name, rrtype)`'s shape, which mailauth's `resolver` option also takes. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** The system's resolver with short timeouts: an SMTP client waits on these lookups. */
export function systemDnsResolver(): DnsResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  return (name, rrtype) => resolver.resolve(name, rrtype);
}

/** True for a DNS answer that says the name or record does not exist (as opposed to a failed lookup). */
export function isNoSuchRecord(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "ENOTFOUND" || code === "ENODATA" || code === "NXDOMAIN";
}
