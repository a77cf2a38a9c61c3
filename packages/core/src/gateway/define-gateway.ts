/**
 * @module gateway/define-gateway — the one function a gateway package calls.
 */
import type { SettingsForm, SettingsOf } from "../settings/form.js";
import type { GatewayDefinition, GatewayInstance } from "./types.js";

/**
 * Declares a gateway: its static metadata, and `setup(runtime, env)`, which core calls once per
 * running gateway. The settings type is inferred from `settings` (declared with `defineSettingsForm`).
 * @example
 * export const echo = defineGateway({ name: "echo", defaultPort: 8090, ..., setup: (runtime) => ({ send: async () => "id-1" }) });
 */
export function defineGateway<
  const F extends SettingsForm,
  E = void,
  I extends GatewayInstance<SettingsOf<F>> = GatewayInstance<SettingsOf<F>>,
>(definition: GatewayDefinition<SettingsOf<F>, E, I> & { settings: F }): GatewayDefinition<SettingsOf<F>, E, I> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(`Gateway name must be lower-case letters, digits and dashes: ${definition.name}`);
  }
  return definition;
}
