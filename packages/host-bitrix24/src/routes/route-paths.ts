/**
 * @module routes/route-paths — the host's paths under LV_PLUGIN_SELF_URI (issue 13's contract names).
 */

/** Paths of our routes under LV_PLUGIN_SELF_URI. */
export const ROUTE_PATHS = {
  install: "bitrix24/install",
  settings: "bitrix24/settings",
  events: "bitrix24/events",
} as const;
