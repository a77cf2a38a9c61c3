/**
 * @module reference — SalesRender's plugin reference (§8), which names a SalesRender tenant.
 */

/** Identifies one plugin instance of one CRM company. */
export interface PluginReference {
  companyId: string;
  pluginAlias: string;
  pluginId: string;
}

/** The host name of SalesRender tenants (`tenants.host`). */
export const SALESRENDER_HOST = "salesrender";

/**
 * The tenant key of a plugin reference: each part `encodeURIComponent`ed, joined by `/`, so no two
 * references share a key (core's migration 0004 builds the same key in SQL).
 */
export function salesRenderTenantKey(ref: PluginReference): string {
  return `${encodeURIComponent(ref.companyId)}/${encodeURIComponent(ref.pluginAlias)}/${encodeURIComponent(ref.pluginId)}`;
}
