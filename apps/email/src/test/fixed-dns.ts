/**
 * @module test/fixed-dns — a DNS resolver for tests: answers from fixed records, never the network.
 */
import type { DnsResolver } from "../inbound/dns-resolver.js";

/** Records by name (lower case, no trailing dot), then by type; TXT answers are strings. */
export type DnsRecords = Map<string, Map<string, unknown[]>>;

/**
 * A resolver answering only from fixed records; any other name answers ENOTFOUND. TXT records are
 * given as strings; an Error as the answer is thrown (a failing DNS server).
 */
export function fixedDnsResolver(records: DnsRecords): DnsResolver {
  return async (name, rrtype) => {
    const answers = records.get(name.toLowerCase().replace(/\.$/, ""))?.get(rrtype.toUpperCase());
    if (answers?.[0] instanceof Error) throw answers[0];
    if (!answers?.length) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return rrtype.toUpperCase() === "TXT" ? answers.map((a) => (Array.isArray(a) ? a : [String(a)])) : answers;
  };
}

/** Adds (or replaces) the TXT strings of a name. */
export function setTxt(records: DnsRecords, name: string, ...values: string[]): void {
  const byType = records.get(name) ?? new Map<string, unknown[]>();
  byType.set("TXT", values);
  records.set(name, byType);
}
