/**
 * @module inbound/recipients — which tenant an inbound address belongs to.
 */
import type { GatewayRuntime, Tenant } from "@switchboard/core";
import { normaliseAddress } from "../contact/address.js";
import type { EmailSettings } from "../settings/form.js";
import { claimedInboundAddress } from "../settings/tenant-addresses.js";

/** The tenant whose inbound address (or From address when none is set) this is, case-insensitively. */
export async function tenantForAddress(
  runtime: GatewayRuntime<EmailSettings>,
  address: string,
): Promise<Tenant<EmailSettings> | undefined> {
  const wanted = normaliseAddress(address);
  return (await runtime.tenants.all()).find((tenant) => claimedInboundAddress(tenant.settings.mail) === wanted);
}
