import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startGateway } from "../../index.js";
import { conformanceEnv, runConformanceSuite } from "@switchboard/testkit/conformance";
import { ECHO_WEBHOOK_LIMIT, echoGateway } from "./echo-gateway.js";
import { startEchoProvider, type EchoProvider } from "./echo-provider.js";

const KEYS = ["key-company-a", "key-company-b"] as const;
let provider: EchoProvider | undefined;
let events = 0;

function running(): EchoProvider {
  if (!provider) throw new Error("the echo provider is not running");
  return provider;
}

runConformanceSuite({
  name: "echo",
  async start(crm) {
    const p = await startEchoProvider([...KEYS]);
    provider = p;
    const gateway = await startGateway(echoGateway(p.url), {
      hosts: [salesrender, bitrix24],
      port: 0,
      env: conformanceEnv(crm),
    });
    return {
      gatewayUrl: gateway.url,
      async stop() {
        await gateway.stop({ timeoutMs: 1000 });
        await p.close();
      },
    };
  },
  validSettings: (tenant) => ({
    account: { apiKey: KEYS[tenant], senderName: tenant === 0 ? "Company A" : "Company B" },
  }),
  contact: "echo://alice",
  sentTexts: (tenant) => provider?.accepted(KEYS[tenant]) ?? [],
  failNextSend: (kind) => provider?.failNextSend(kind),
  deliverIncoming: async (tenant, text) => running().deliver(KEYS[tenant], "echo://customer", text),
  webhook: {
    authentication: "signature",
    maxBytes: ECHO_WEBHOOK_LIMIT,
    message(tenant, text, credentials) {
      const event = { id: `conformance-${++events}`, from: "echo://customer", text };
      const signingKey = {
        valid: KEYS[tenant],
        wrong: "not-a-key",
        missing: null,
        "other-tenant": KEYS[tenant === 0 ? 1 : 0],
      }[credentials ?? "valid"];
      return () => running().post(KEYS[tenant], event, signingKey);
    },
  },
  // The echo channel has no files and no delivery statuses: its capabilities say so.
});
