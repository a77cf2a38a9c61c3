/**
 * @module gateway/define-gateway — the one function a gateway package calls.
 */
import type { SettingsData } from "../settings/form.js";
import type { GatewayDefinition } from "./types.js";

/**
 * Declares a gateway. Returns the definition unchanged, typed, for `startGateway` / `runGateway`.
 * @example
 * export const echo = defineGateway({ name: "echo", defaultPort: 8090, ..., send: async () => "id-1" });
 */
export function defineGateway<S extends SettingsData = SettingsData>(
  definition: GatewayDefinition<S>,
): GatewayDefinition<S> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(`Gateway name must be lower-case letters, digits and dashes: ${definition.name}`);
  }
  return definition;
}
