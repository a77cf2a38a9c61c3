/**
 * @module crm-simulator/registrations — the HPT secret the CRM issued to each (gateway, tenant).
 */
import type { PluginRef } from "./types.js";

/** Normalises a gateway base URL to exactly one trailing slash (the form used as `aud`/`iss`). */
export function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, "") + "/";
}

/** Remembers gateways the CRM talked to and the HPT each accepted per tenant. */
export class RegistrationBook {
  private readonly secrets = new Map<string, string>();
  private readonly gateways = new Set<string>();

  /** Notes a gateway base URL the CRM minted a token for (a legitimate `iss` of incoming calls). */
  addGateway(gatewayUrl: string): void {
    this.gateways.add(normaliseBaseUrl(gatewayUrl));
  }

  /** True when `iss` is a gateway base URL the CRM knows. */
  knowsGateway(iss: string): boolean {
    return this.gateways.has(iss);
  }

  /** Stores the HPT a gateway accepted for a tenant, replacing an older one (re-registration). */
  remember(gatewayUrl: string, ref: PluginRef, hpt: string): void {
    this.addGateway(gatewayUrl);
    this.secrets.set(key(normaliseBaseUrl(gatewayUrl), ref), hpt);
  }

  /** The HPT of a tenant at a gateway, if it was registered there. */
  find(gatewayUrl: string, ref: PluginRef): string | undefined {
    return this.secrets.get(key(normaliseBaseUrl(gatewayUrl), ref));
  }
}

function key(gatewayUrl: string, ref: PluginRef): string {
  return JSON.stringify([gatewayUrl, ref.companyId, ref.pluginAlias, ref.pluginId]);
}
