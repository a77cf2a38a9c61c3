/**
 * @module protocol/reference — the plugin reference that scopes every tenant's data (§8).
 */

/** Identifies one plugin instance of one CRM company: the tenant key of everything stored. */
export interface PluginReference {
  companyId: string;
  pluginAlias: string;
  pluginId: string;
}

/** A stable string form of a reference, for logs, maps and rate-limit keys. */
export function referenceKey(ref: PluginReference): string {
  return `${ref.companyId}/${ref.pluginAlias}/${ref.pluginId}`;
}
