/**
 * @module inbound/domain-verification — proof that a tenant controls the domain of its inbound
 * address before the shared MX accepts mail for it: a TXT record `_switchboard.<domain>` holding
 * `switchboard-verify=<token>`, the token derived from the tenant's secret inbound token (so it
 * needs no storage and reveals nothing). Answers are cached; operators may list pre-verified domains.
 */
import { createHash } from "node:crypto";
import type { TokenStore } from "../db/token-store.js";
import { isNoSuchRecord, type DnsResolver } from "./dns-resolver.js";

/** Whether mail for a domain may be accepted now: `unknown` when DNS could not answer. */
export type DomainProof = "verified" | "unverified" | "unknown";

/** How long a found record counts before it is looked up again. */
const VERIFIED_TTL_MS = 60 * 60_000;
/** How long a missing record counts: an admin who just created it should not wait long. */
const UNVERIFIED_TTL_MS = 60_000;

/** The TXT record a tenant creates for a domain. */
export interface DomainRecord {
  name: string;
  value: string;
}

/** Checks and caches tenants' domain proofs. */
export class DomainVerifier {
  private readonly cache = new Map<string, { proof: DomainProof; until: number }>();

  constructor(
    private readonly tokens: TokenStore,
    private readonly resolve: DnsResolver,
    /** `SMTP_INBOUND_VERIFIED_DOMAINS`: domains the operator vouches for, lower case. */
    private readonly preVerified: ReadonlySet<string>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The record a tenant must publish to prove `domain`. */
  async recordFor(tenantId: number, domain: string): Promise<DomainRecord> {
    const token = createHash("sha256")
      .update(`switchboard-domain-verification:${await this.tokens.getOrCreate(tenantId)}`)
      .digest("base64url")
      .slice(0, 32);
    return { name: `_switchboard.${domain}`, value: `switchboard-verify=${token}` };
  }

  /** True when the operator listed the domain (no DNS record needed). */
  isPreVerified(domain: string): boolean {
    return this.preVerified.has(domain.toLowerCase());
  }

  /** Whether the tenant proved `domain`, from the cache or DNS. A failed lookup keeps an earlier `verified`. */
  async check(tenantId: number, domain: string): Promise<DomainProof> {
    if (this.isPreVerified(domain)) return "verified";
    const key = `${tenantId} ${domain}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.proof;
    const proof = await this.lookup(tenantId, domain);
    if (proof === "unknown" && cached?.proof === "verified") return "verified";
    if (proof !== "unknown") {
      this.cache.set(key, { proof, until: this.now() + (proof === "verified" ? VERIFIED_TTL_MS : UNVERIFIED_TTL_MS) });
    }
    return proof;
  }

  /** Makes a tenant's cached answers stale (its settings were saved: look again; a DNS failure keeps `verified`). */
  forget(tenantId: number): void {
    const prefix = `${tenantId} `;
    for (const [key, entry] of this.cache) if (key.startsWith(prefix)) entry.until = 0;
  }

  private async lookup(tenantId: number, domain: string): Promise<DomainProof> {
    const { name, value } = await this.recordFor(tenantId, domain);
    try {
      const answers = (await this.resolve(name, "TXT")) as string[][];
      return answers.some((chunks) => chunks.join("").trim() === value) ? "verified" : "unverified";
    } catch (error) {
      return isNoSuchRecord(error) ? "unverified" : "unknown";
    }
  }
}
