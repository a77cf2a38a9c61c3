import { startGateway } from "../../index.js";
import { conformanceEnv, runConformanceSuite } from "@switchboard/testkit/conformance";
import { echoGateway } from "./echo-gateway.js";
import { startEchoProvider, type EchoProvider } from "./echo-provider.js";

const KEYS = ["key-company-a", "key-company-b"] as const;
let provider: EchoProvider | undefined;

runConformanceSuite({
  name: "echo",
  async start(crm) {
    const p = await startEchoProvider([...KEYS]);
    provider = p;
    const gateway = await startGateway(echoGateway(p.url), { port: 0, env: conformanceEnv(crm) });
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
  deliverIncoming: async (tenant, text) => provider?.deliver(KEYS[tenant], "echo://customer", text),
});
