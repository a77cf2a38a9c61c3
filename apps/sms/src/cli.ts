#!/usr/bin/env node
/**
 * @module cli — the operations CLI (`node dist/cli.js …`, bin `switchboard-sms`): core's commands
 * on the SMS gateway's own environment.
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { runCli } from "@switchboard/core";
import { readSmsEnv } from "./env.js";
import { sms } from "./gateway.js";

await runCli(sms, readSmsEnv, { hosts: [salesrender, bitrix24] });
