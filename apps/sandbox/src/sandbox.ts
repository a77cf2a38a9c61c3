/**
 * @module sandbox — the whole system on one machine: the simulated CRM with its inbox, a fake
 * Bitrix24 portal with its Open Lines chats, and every gateway of `gateways/list.ts` as a child
 * process beside its fake, registered and configured through the real protocol.
 */
import { mkdirSync } from "node:fs";
import { startCrmSimulator } from "@switchboard/testkit";
import { startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { BITRIX24_PORTAL, type Channel } from "./channels.js";
import type { SandboxConfig } from "./env.js";
import { UploadStore } from "./files/upload-store.js";
import { checkGatewayList } from "./gateways/check-list.js";
import { gatewayEnv, gatewayUrl } from "./gateways/gateway-env.js";
import { startGatewayProcess, type GatewayProcess } from "./gateways/gateway-process.js";
import { SANDBOX_GATEWAYS } from "./gateways/list.js";
import { gatewayEntry } from "./gateways/locate.js";
import { resolvePorts } from "./gateways/ports.js";
import { provisionGateway } from "./gateways/provision.js";
import type { SandboxGateway, StartedSandboxGateway } from "./gateways/sandbox-gateway.js";
import { bridgeCrmToInbox } from "./inbox/crm-bridge.js";
import { readLoggedFailure } from "./inbox/gateway-log.js";
import { InboxStore } from "./inbox/inbox-store.js";
import { OpenLines } from "./portal/open-lines.js";
import { createSandboxApp } from "./web/app.js";
import { listen } from "./web/listen.js";
import { LiveHub } from "./web/live-hub.js";
import type { SandboxChannel } from "./web/services.js";

/** Extra options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Environment the gateway processes inherit (PATH…). */
  inherited?: Record<string, string | undefined>;
  /** Receives each line a gateway prints. */
  onGatewayOutput?: (channel: Channel, line: string) => void;
  /** The gateways to run (default: every one of `gateways/list.ts`). */
  gateways?: readonly SandboxGateway[];
}

/** A running sandbox. */
export interface Sandbox {
  /** The inbox: `http://localhost:<port>/`. */
  url: string;
  port: number;
  /** The running gateways, in the list's order, with their URLs and resolved ports. */
  channels: SandboxChannel[];
  crmUrl: string;
  /** The fake Bitrix24 cloud; `bitrix24.portal` is the company's portal the Bitrix24 view shows. */
  bitrix24: FakeBitrix24;
  /** Stops the gateways (SIGTERM), the web server, the fakes and the CRM. */
  stop(): Promise<void>;
}

/** Starts everything; on failure, whatever did start is stopped again before the error is thrown. */
export async function startSandbox(config: SandboxConfig, options: SandboxOptions = {}): Promise<Sandbox> {
  const list = options.gateways ?? SANDBOX_GATEWAYS;
  checkGatewayList(list);
  const cleanups: Array<() => unknown> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const ports = await resolvePorts(config, list);
    const crm = await startCrmSimulator({ port: ports.crm });
    cleanups.push(() => crm.close());
    const fakeBitrix24 = await startFakeBitrix24({
      clientId: BITRIX24_PORTAL.clientId,
      clientSecret: BITRIX24_PORTAL.clientSecret,
      portal: {
        memberId: BITRIX24_PORTAL.memberId,
        lines: [BITRIX24_PORTAL.line],
        languageId: BITRIX24_PORTAL.languageId,
      },
    });
    cleanups.push(() => fakeBitrix24.close());

    const hub = new LiveHub();
    const store = new InboxStore(new Map(list.map((g) => [g.name, g.conversations ?? {}])));
    const uploads = new UploadStore();
    store.onChange((conversationId) => hub.publish("inbox", { conversationId }));
    const channels: Array<SandboxChannel & { started: StartedSandboxGateway; gateway: SandboxGateway }> = [];
    for (const gateway of list) {
      const gatewayPorts = ports.gateways.get(gateway.name)!;
      const started = await gateway.start({
        ports: gatewayPorts,
        uploads,
        publish: (payload) => hub.publish(gateway.name, payload),
        bitrix24: fakeBitrix24,
      });
      cleanups.push(() => started.close());
      channels.push({
        name: gateway.name,
        label: gateway.label,
        contactPlaceholder: gateway.contactPlaceholder,
        page: started.page,
        url: gatewayUrl(gatewayPorts.http!),
        ports: gatewayPorts,
        started,
        gateway,
      });
    }
    const byName = new Map(channels.map((c) => [c.name, c]));
    const openLines = new OpenLines({
      fake: fakeBitrix24,
      operatorName: BITRIX24_PORTAL.operatorName,
      onChat: (chatId) => hub.publish("bitrix24", { chatId }),
      onPortal: () => hub.publish("portal", {}),
    });
    cleanups.push(() => openLines.close());
    const bridge = bridgeCrmToInbox({
      crm,
      store,
      channelOfUrl: (url) => channels.find((c) => url.startsWith(c.url))?.name,
      explainFailure: (channel, contact) => byName.get(channel)?.started.failureReason(contact),
      onProtocolEvent: (event) => hub.publish("protocol", event),
    });
    cleanups.push(() => bridge.stop());

    const publicBase = `http://127.0.0.1:${ports.web}/`;
    const app = createSandboxApp({
      crm,
      store,
      uploads,
      hub,
      channels: channels.map(({ started: _started, gateway: _gateway, ...view }) => view),
      addCustomerRoutes: (routes) => channels.forEach((c) => c.started.addRoutes(routes, store)),
      portal: fakeBitrix24.portal,
      openLines,
      protocolEvents: () => bridge.history(),
      publicUrl: (path) => publicBase + path,
    });

    const onGatewayOutput = (channel: Channel, line: string) => {
      const failure = readLoggedFailure(line);
      if (failure) store.annotate(failure.crmMessageId, failure.final ? failure.reason : `Retrying: ${failure.reason}`);
      options.onGatewayOutput?.(channel, line);
    };
    const variablePrefixes = list.flatMap((g) => g.variablePrefixes);
    const processes = await startGateways(
      channels.map((c) => ({
        name: c.name,
        entry: gatewayEntry(c.gateway.packageName),
        url: c.url,
        env: gatewayEnv({
          channel: c.name,
          port: c.ports.http!,
          dataDir: config.dataDir,
          logLevel: config.logLevel,
          crmEnv: crm.env,
          own: c.started.env,
          variablePrefixes,
          inherited: options.inherited,
        }),
        onOutput: (line) => onGatewayOutput(c.name, line),
      })),
    );
    cleanups.push(() => Promise.all(processes.map((p) => p.stop())));
    await Promise.all(
      channels.map(async (c) => {
        await provisionGateway(crm, c.name, c.url, c.started.settings);
        await c.started.afterProvision?.(c.url);
      }),
    );
    // Pages open only once every channel works, so nothing a person does can hit a half-set-up gateway.
    const server = await listen(app, ports.web, "SANDBOX_PORT");
    cleanups.push(() => server.close());

    return {
      url: `http://localhost:${server.port}/`,
      port: server.port,
      channels: channels.map(({ started: _started, gateway: _gateway, ...view }) => view),
      crmUrl: crm.url,
      bitrix24: fakeBitrix24,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts the gateways side by side; if one fails, the others are stopped and the error says which. */
async function startGateways(specs: Parameters<typeof startGatewayProcess>[0][]): Promise<GatewayProcess[]> {
  const started = await Promise.allSettled(specs.map((spec) => startGatewayProcess(spec)));
  const running = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failures = started.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
  if (failures.length) {
    await Promise.all(running.map((p) => p.stop()));
    throw new Error(failures.map((f) => f.message).join("\n"));
  }
  return running;
}
