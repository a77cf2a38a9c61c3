/**
 * @module main — production entry: read the environment, run the Telegram gateway.
 */
import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { runGateway } from "@switchboard/core";
import { readTelegramEnv } from "./env.js";
import { telegram } from "./gateway.js";

await runGateway(telegram, readTelegramEnv, { hosts: [salesrender, bitrix24] });
