/**
 * @module main — runs the Echo gateway (`pnpm --filter @switchboard/example-echo start`).
 */
import { runGateway } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { readEchoEnv } from "./env.js";
import { echoGateway } from "./gateway.js";

// The CRM hosts the app can serve; SWITCHBOARD_HOSTS (default salesrender) picks which run.
await runGateway(echoGateway, readEchoEnv, { hosts: [salesrender, bitrix24] });
