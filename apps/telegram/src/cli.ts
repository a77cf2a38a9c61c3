#!/usr/bin/env node
/**
 * @module cli — the operations CLI (`node dist/cli.js …`, bin `switchboard-telegram`): core's
 * commands and the gateway's `webhook info|reset`, on the gateway's own environment.
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { runCli } from "@switchboard/core";
import { readTelegramEnv } from "./env.js";
import { telegram } from "./gateway.js";

await runCli(telegram, readTelegramEnv, { hosts: [salesrender, bitrix24] });
