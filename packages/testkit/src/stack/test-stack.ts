/**
 * @module stack/test-stack — what every gateway's test stack does around its channel: a CRM simulator,
 * the gateway started against it, its tenants registered and their settings saved through the real
 * settings route, sending as the CRM, and stopping it all.
 */
import { startCrmSimulator, type CrmSimulator } from "../crm-simulator/simulator.js";
import type { PluginRef, SendBody, StatusValue } from "../crm-simulator/types.js";

/** How long {@link TestStack.waitStatus} waits for the CRM to hear a status. */
const STATUS_WAIT_MS = 10_000;

/** How long a stopping gateway may finish in-flight sends: a test's leftovers need not be delivered. */
const STOP_TIMEOUT_MS = 1000;

/** A gateway the stack started: core's `GatewayHandle` is one (testkit cannot import core). */
export interface StackGateway {
  /** The gateway's base URL (LV_PLUGIN_SELF_URI): where the CRM registers and sends. */
  url: string;
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** Options of {@link startTestStack}. */
export interface TestStackOptions<G extends StackGateway> {
  /** Starts the gateway against this CRM (with `conformanceEnv(crm)` or at least `crm.env`). */
  start(crm: CrmSimulator): Promise<G>;
  /** The companies registered at the gateway, in order: tenant `i` is `tenants[i]` (none: nothing registered). */
  tenants: readonly PluginRef[];
  /** Settings saved for tenant `i` right after its registration (none given: none saved). */
  settings?(index: number): Record<string, Record<string, unknown>> | undefined;
  /** A running CRM simulator to use; the stack then leaves it running when it stops. */
  crm?: CrmSimulator;
}

/** A CRM simulator and a gateway with registered tenants. */
export interface TestStack<G extends StackGateway> {
  crm: CrmSimulator;
  gateway: G;
  /** The gateway's base URL (LV_PLUGIN_SELF_URI). */
  url: string;
  tenants: readonly PluginRef[];
  /** POST /special/send as the CRM for tenant `index`. */
  send(index: number, body: SendBody): Promise<Response>;
  /** Sends as the CRM for tenant `index` and throws with the answer unless it is 202. */
  sendAccepted(index: number, body: SendBody): Promise<void>;
  /** Waits until the CRM heard `status` for the message `crmMessageId`. */
  waitStatus(crmMessageId: string, status: StatusValue): Promise<void>;
  /** Stops the gateway, then the CRM simulator unless it was given. */
  stop(): Promise<void>;
}

/** Registers a company at a gateway and saves its settings (if given); throws with the gateway's answer on failure. */
export async function registerTenant(
  crm: CrmSimulator,
  gatewayUrl: string,
  ref: PluginRef,
  settings?: Record<string, Record<string, unknown>>,
): Promise<void> {
  const registered = await crm.register(gatewayUrl, ref);
  if (registered.status !== 200) {
    throw new Error(`registering company ${ref.companyId}: ${registered.status} ${await registered.text()}`);
  }
  if (!settings) return;
  const saved = await crm.putSettings(gatewayUrl, ref, settings);
  if (saved.status !== 200) {
    throw new Error(`saving the settings of company ${ref.companyId}: ${saved.status} ${await saved.text()}`);
  }
}

/** Starts a CRM simulator (unless given) and the gateway, and registers and configures its tenants. */
export async function startTestStack<G extends StackGateway>(options: TestStackOptions<G>): Promise<TestStack<G>> {
  const crm = options.crm ?? (await startCrmSimulator());
  const stopCrm = () => (options.crm ? Promise.resolve() : crm.close());
  let gateway: G;
  try {
    gateway = await options.start(crm);
  } catch (error) {
    await stopCrm();
    throw error;
  }
  const { url } = gateway;
  const stop = async () => {
    await gateway.stop({ timeoutMs: STOP_TIMEOUT_MS });
    await stopCrm();
  };
  try {
    for (const [i, ref] of options.tenants.entries()) await registerTenant(crm, url, ref, options.settings?.(i));
  } catch (error) {
    await stop();
    throw error;
  }
  const tenants = options.tenants;
  const refOf = (index: number): PluginRef => {
    const ref = tenants[index];
    if (!ref) throw new RangeError(`no tenant ${index}: the stack has ${tenants.length}`);
    return ref;
  };
  const send = async (index: number, body: SendBody) => crm.send(url, refOf(index), body);
  return {
    crm,
    gateway,
    url,
    tenants,
    send,
    async sendAccepted(index, body) {
      const res = await send(index, body);
      if (res.status !== 202) throw new Error(`send answered ${res.status}: ${await res.text()}`);
    },
    async waitStatus(crmMessageId, status) {
      await crm.waitFor(() => crm.statusesOf(crmMessageId).includes(status), STATUS_WAIT_MS);
    },
    stop,
  };
}
