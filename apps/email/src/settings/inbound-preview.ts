/**
 * @module settings/inbound-preview — the settings preview that tells an admin how customers'
 * mail reaches the CRM: the inbound address, the MX record for the gateway's SMTP server and
 * the tenant's raw-MIME webhook URL (its token is shown nowhere else).
 */
import type { GatewayRuntime, MarkdownPreviewer, SettingsData, Tenant } from "@switchboard/core";
import { INBOUND_ROUTE_PREFIX } from "../inbound/http-route.js";
import type { ServiceRegistry } from "../services.js";
import { claimedInboundAddress } from "./email-settings.js";

/** Builds the previewer; `inboundPort` says whether and where the inbound SMTP server listens. */
export function inboundPreviewer(registry: ServiceRegistry, inboundPort: () => number | undefined): MarkdownPreviewer {
  return (tenant: Tenant | undefined, input: { settings: SettingsData }, runtime: GatewayRuntime) => {
    const address = claimedInboundAddress(input.settings) ?? claimedInboundAddress(tenant?.settings);
    if (!tenant || !address) return "Save the settings with a From address to see how to receive mail.";
    const domain = address.split("@")[1] ?? "";
    const host = new URL(runtime.config.selfUri).hostname;
    const url = runtime.publicUrl(INBOUND_ROUTE_PREFIX + registry.for(runtime).tokens.getOrCreate(tenant.ref));
    const port = inboundPort();
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
      `**Receiving by forwarding or a provider's inbound webhook:** POST the raw message (RFC 822) to`,
      "",
      `\`${url}\``,
      "",
      "Keep this URL secret: anyone who has it can post mail into the CRM.",
    ].join("\n");
  };
}
