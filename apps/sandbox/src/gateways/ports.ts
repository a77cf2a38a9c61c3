/**
 * @module gateways/ports — the sandbox's ports, decided before anything starts: a gateway needs
 * its port in its public URL, and a busy port should be one clear message, not a crashed child.
 */
import { createServer } from "node:net";
import { freePort } from "@switchboard/testkit";
import type { SandboxConfig } from "../env.js";
import type { SandboxGateway } from "./sandbox-gateway.js";

/** Every port the sandbox listens on. */
export interface SandboxPorts {
  web: number;
  /** Each gateway's ports by their names in its declaration (`http` always). */
  gateways: Map<string, Record<string, number>>;
  crm: number;
}

/** Port 0 becomes a free port; a configured port must be free on loopback, or this throws naming its variable. */
export async function resolvePorts(config: SandboxConfig, list: readonly SandboxGateway[]): Promise<SandboxPorts> {
  const pick = async (port: number, variable: string) => {
    if (port === 0) return freePort();
    if (!(await isFree(port)))
      throw new Error(`Port ${port} is in use: set ${variable} to another port (0 picks a free one)`);
    return port;
  };
  const web = await pick(config.port, "SANDBOX_PORT");
  const gateways = new Map<string, Record<string, number>>();
  for (const gateway of list) {
    const ports: Record<string, number> = {};
    for (const [name, spec] of Object.entries(gateway.ports)) {
      ports[name] = await pick(config.gatewayPorts.get(spec.variable) ?? 0, spec.variable);
    }
    gateways.set(gateway.name, ports);
  }
  return {
    web,
    gateways,
    // 0: the simulator binds a free port itself (picking one here could hand out a gateway's).
    crm: config.crmPort ? await pick(config.crmPort, "SANDBOX_CRM_PORT") : 0,
  };
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
