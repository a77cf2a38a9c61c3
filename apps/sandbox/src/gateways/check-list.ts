/**
 * @module gateways/check-list — a gateway list the sandbox can run: names and port variables each
 * used once, names that are safe as paths, tenant aliases and page events.
 */
import type { SandboxGateway } from "./sandbox-gateway.js";

/** Live events and pages the sandbox itself uses: a gateway with one of these names would collide. */
const RESERVED = new Set(["inbox", "protocol", "portal", "bitrix24", "ready", "chat", "live", "info"]);

/** Thrown for a list the sandbox cannot run; says which declaration is wrong. */
export class GatewayListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayListError";
  }
}

/** Throws a {@link GatewayListError} unless every name and port variable is used once and every name is kebab-case and not reserved. */
export function checkGatewayList(list: readonly SandboxGateway[]): void {
  const names = new Set<string>();
  const variables = new Map<string, string>();
  for (const gateway of list) {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(gateway.name))
      throw new GatewayListError(`A sandbox gateway's name is kebab-case: "${gateway.name}" is not`);
    if (RESERVED.has(gateway.name))
      throw new GatewayListError(
        `"${gateway.name}" is a name the sandbox uses itself: rename the gateway's declaration`,
      );
    if (names.has(gateway.name)) throw new GatewayListError(`Two sandbox gateways are named "${gateway.name}"`);
    names.add(gateway.name);
    for (const spec of Object.values(gateway.ports)) {
      const owner = variables.get(spec.variable);
      if (owner !== undefined)
        throw new GatewayListError(`${spec.variable} is the port variable of both ${owner} and ${gateway.name}`);
      variables.set(spec.variable, gateway.name);
    }
  }
}
