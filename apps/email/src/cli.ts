#!/usr/bin/env node
/**
 * @module cli — the operations CLI (`node dist/cli.js …`, bin `switchboard-email`): core's commands
 * on the email gateway's own environment.
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { runCli } from "@switchboard/core";
import { readEmailEnv } from "./env.js";
import { email } from "./gateway.js";

await runCli(email, readEmailEnv, { hosts: [salesrender, bitrix24] });
