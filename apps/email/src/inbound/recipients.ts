/**
 * @module inbound/recipients — which tenant an inbound address belongs to.
 */
import type { GatewayRuntime, Tenant } from "@switchboard/core";
import { normaliseAddress } from "../settings/address.js";
import { claimedInboundAddress } from "../settings/email-settings.js";

/** The tenant whose inbound address (or From address when none is set) this is, case-insensitively. */
export function tenantForAddress(runtime: GatewayRuntime, address: string): Tenant | undefined {
  const wanted = normaliseAddress(address);
  return runtime.tenants.all().find((tenant) => claimedInboundAddress(tenant.settings) === wanted);
}
