/**
 * @module hosts/define-host — the one function a host package calls.
 */
import type { HostDefinition, HostInstance } from "./types.js";

/**
 * Declares a CRM host: its name, its own tables, how its environment is read, and
 * `setup(runtime, env)`, which core calls once per running gateway that serves the host.
 * @example
 * export const salesrender = defineHost({ name: "salesrender", readEnv, setup: (runtime, env) => ({ routes, deliver }) });
 */
export function defineHost<E = void, I extends HostInstance = HostInstance>(
  definition: HostDefinition<E, I>,
): HostDefinition<E, I> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(`Host name must be lower-case letters, digits and dashes: ${definition.name}`);
  }
  return definition;
}
