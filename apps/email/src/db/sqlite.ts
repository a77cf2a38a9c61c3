/**
 * @module db/sqlite — the raw better-sqlite3 connection behind core's drizzle handle.
 * The email tables are created by this package's migrations (`apps/email/drizzle`); they are
 * queried with prepared SQL because drizzle-orm is a dependency of core only.
 */
import { fileURLToPath } from "node:url";
import type { GatewayRuntime, PluginReference } from "@switchboard/core";

/** The better-sqlite3 database of the runtime. */
export type Sqlite = GatewayRuntime["db"]["$client"];

/** Absolute path of the gateway's migrations folder (same relative place from src/ and dist/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Named SQL parameters that scope a row to one tenant. */
export function refParams(ref: PluginReference): { companyId: string; pluginAlias: string; pluginId: string } {
  return { companyId: ref.companyId, pluginAlias: ref.pluginAlias, pluginId: ref.pluginId };
}

/** The WHERE clause matching `refParams`. */
export const REF_WHERE = "company_id = @companyId AND plugin_alias = @pluginAlias AND plugin_id = @pluginId";
