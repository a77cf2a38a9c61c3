/**
 * @module main — production entry: `pnpm --filter @switchboard/email start`.
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { runGateway } from "@switchboard/core";
import { readEmailEnv } from "./env.js";
import { email } from "./gateway.js";

await runGateway(email, readEmailEnv, { hosts: [salesrender, bitrix24] });
