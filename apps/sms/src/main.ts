/**
 * @module main — runs the SMS gateway (`pnpm --filter @switchboard/sms start`).
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { runGateway } from "@switchboard/core";
import { readSmsEnv } from "./env.js";
import { sms } from "./gateway.js";

await runGateway(sms, readSmsEnv, { hosts: [salesrender, bitrix24] });
