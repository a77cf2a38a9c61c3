/**
 * @module main — production entry: `pnpm --filter @switchboard/email start`.
 */
import { salesrender } from "@switchboard/host-salesrender";
import { runGateway } from "@switchboard/core";
import { readEmailEnv } from "./env.js";
import { email } from "./gateway.js";

await runGateway(email, readEmailEnv, { hosts: [salesrender] });
