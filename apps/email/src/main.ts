/**
 * @module main — production entry: `pnpm --filter @switchboard/email start`.
 */
import { runGateway } from "@switchboard/core";
import { loadEmailEnv, processEnv } from "./env.js";
import { createEmailGateway } from "./gateway.js";

const env = loadEmailEnv(processEnv());
await runGateway(
  createEmailGateway({
    inbound: env.inbound,
    maxBytes: env.maxBytes,
    outbound: { allowPrivate: env.allowPrivateSmtp },
    checks: { verifiedDomains: env.verifiedDomains, senderChecks: env.senderChecks },
  }),
  () => ({ core: processEnv(), gateway: undefined }),
);
