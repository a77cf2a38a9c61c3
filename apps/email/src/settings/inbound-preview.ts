/**
 * @module settings/inbound-preview — the settings preview that tells an admin how customers'
 * mail reaches the CRM: the inbound address, the MX record for the gateway's SMTP server and
 * the tenant's raw-MIME webhook URL (its token is shown nowhere else), and the DNS TXT record that
 * proves the domain before the gateway's MX accepts mail for it.
 */
import type { MarkdownPreviewer, SettingsData, Tenant } from "@switchboard/core";
import { INBOUND_ROUTE_PREFIX } from "../webhook/inbound-webhook.js";
import type { EmailServices } from "../services.js";
import type { DomainVerifier } from "../inbound/domain-verification.js";
import { domainOf } from "./address.js";
import { claimedInboundAddress } from "./email-settings.js";

/** The domain proof paragraph: the record to create and whether it was found. */
async function domainProof(domains: DomainVerifier, tenant: Tenant, domain: string): Promise<string> {
  if (domains.isPreVerified(domain)) return `**Domain:** ${domain} is verified by the operator of this gateway.`;
  const { name, value } = domains.recordFor(tenant.ref, domain);
  const proof = await domains.check(tenant.ref, domain);
  const status =
    proof === "verified"
      ? "Found: the gateway accepts mail for this address."
      : proof === "unknown"
        ? "DNS could not be asked just now; the record is checked again when mail arrives."
        : "Not found yet: until it is, the gateway's SMTP server refuses mail for this address.";
  return [
    `**Domain verification:** prove that ${domain} is yours by creating this DNS record:`,
    "",
    `\`${name}. TXT "${value}"\``,
    "",
    status,
  ].join("\n");
}

/** Builds the previewer; `inboundPort` says whether and where the inbound SMTP server listens. */
export function inboundPreviewer(services: EmailServices, inboundPort: number | undefined): MarkdownPreviewer {
  const { runtime } = services;
  return async (tenant: Tenant | undefined, input: { settings: SettingsData }) => {
    const address = claimedInboundAddress(input.settings) ?? claimedInboundAddress(tenant?.settings);
    if (!tenant || !address) return "Save the settings with a From address to see how to receive mail.";
    const domain = domainOf(address);
    const host = new URL(runtime.config.selfUri).hostname;
    const url = runtime.publicUrl(INBOUND_ROUTE_PREFIX + services.tokens.getOrCreate(tenant.ref));
    const port = inboundPort;
    const smtp =
      port === undefined
        ? "The gateway's own SMTP server is switched off on this installation; use forwarding (below)."
        : `Point the domain's MX record at this gateway: \`${domain}. MX 10 ${host}.\` ` +
          `(the gateway's SMTP server listens on port ${port}; MX delivery uses port 25).`;
    return [
      `**Customers write to:** ${address}`,
      "",
      `**Receiving by MX:** ${smtp}`,
      "",
      ...(port === undefined ? [] : [await domainProof(services.domains, tenant, domain), ""]),
      `**Receiving by forwarding or a provider's inbound webhook:** POST the raw message (RFC 822) to`,
      "",
      `\`${url}\``,
      "",
      "Keep this URL secret: anyone who has it can post mail into the CRM.",
    ].join("\n");
  };
}
