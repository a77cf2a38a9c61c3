/**
 * @module send/smtp-destination — where a tenant's SMTP host may lead: its name is resolved once,
 * every address is checked against core's address policy, and the connection is pinned to the
 * checked address (TLS still verifies the name), so a DNS answer cannot change between check and use.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ChannelNetworkError, InvalidInputError, isPrivateAddress } from "@switchboard/core";

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true` by default; tests may replace it). */
export type HostLookup = (host: string) => Promise<string[]>;

/** The checked address to connect to and the name TLS verifies the certificate against. */
export interface SmtpDestination {
  address: string;
  /** Undefined for an IP literal host: the certificate is then checked against the address. */
  servername: string | undefined;
}

/** How SMTP destinations are checked (one per gateway). */
export interface SmtpDestinationPolicy {
  /** `SWITCHBOARD_ALLOW_PRIVATE_SMTP`: relays on loopback and private networks are allowed. */
  allowPrivate: boolean;
  lookup?: HostLookup;
}

/** The SMTP host resolves to a loopback, private or reserved address and the operator did not allow those. */
export class PrivateSmtpHostError extends InvalidInputError {
  constructor() {
    super("The SMTP server is on a private or local network; only public SMTP servers may be used");
  }
}

/** The SMTP host name does not resolve (retryable: DNS failures are often passing). */
export class UnresolvableSmtpHostError extends ChannelNetworkError {
  constructor(cause: unknown) {
    super("The SMTP server name could not be resolved", { cause });
  }
}

const systemLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/** Resolves and checks a tenant's SMTP host; throws {@link PrivateSmtpHostError} or {@link UnresolvableSmtpHostError}. */
export async function resolveSmtpDestination(host: string, policy: SmtpDestinationPolicy): Promise<SmtpDestination> {
  const literal = host.replace(/^\[(.*)\]$/, "$1");
  let addresses: string[];
  if (isIP(literal)) {
    addresses = [literal];
  } else {
    try {
      addresses = await (policy.lookup ?? systemLookup)(host);
    } catch (error) {
      throw new UnresolvableSmtpHostError(error);
    }
    if (!addresses.length) throw new UnresolvableSmtpHostError(undefined);
  }
  // One private answer refuses the name: picking the public one would let a rebinding name race us.
  if (!policy.allowPrivate && addresses.some(isPrivateAddress)) throw new PrivateSmtpHostError();
  return { address: addresses[0]!, servername: isIP(literal) ? undefined : host };
}
