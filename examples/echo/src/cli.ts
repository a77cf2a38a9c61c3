#!/usr/bin/env node
/**
 * @module cli — the operations CLI (`node dist/cli.js …`, bin `switchboard-echo`): core's commands
 * on the Echo gateway's own environment (docs/operating.md, "CLI"). A gateway's own commands are
 * the `cli` field of its definition.
 */
import { runCli } from "@switchboard/core";
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { readEchoEnv } from "./env.js";
import { echoGateway } from "./gateway.js";

await runCli(echoGateway, readEchoEnv, { hosts: [salesrender, bitrix24] });
