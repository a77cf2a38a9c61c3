/**
 * @module settings/tenant-addresses — the addresses a tenant's settings name, parsed: the From
 * mailbox and the address customers write to (explicit, else From's), lower case.
 */
import { normaliseAddress, parseMailbox, type Mailbox } from "../contact/address.js";
import type { MailSettings } from "./form.js";

/** The From mailbox and the inbound address (lower case) of a tenant. */
export interface TenantAddresses {
  from: Mailbox;
  inboundAddress: string;
}

/** The tenant's From and inbound address; undefined when the settings hold no usable From. */
export function tenantAddresses(mail: MailSettings | undefined): TenantAddresses | undefined {
  const from = mail ? parseMailbox(mail.from) : undefined;
  if (!from) return undefined;
  const inbound = mail?.inboundAddress ? parseMailbox(mail.inboundAddress) : from;
  return inbound ? { from, inboundAddress: normaliseAddress(inbound.address) } : undefined;
}

/** The inbound address the settings claim (explicit, else the From address), lower case. */
export function claimedInboundAddress(mail: MailSettings | undefined): string | undefined {
  const mailbox = parseMailbox(mail?.inboundAddress || mail?.from || "");
  return mailbox ? normaliseAddress(mailbox.address) : undefined;
}
