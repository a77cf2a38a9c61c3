/**
 * A gateway process on the SQLite database given as argv[2]: prints `ready` once it serves and then
 * runs until killed, or prints its start error on stderr and exits 1.
 */
import { salesrender } from "@switchboard/host-salesrender";
import { startGateway } from "../../server/start-gateway.js";
import { createEchoGateway } from "../../test/echo-gateway.js";

try {
  await startGateway(createEchoGateway().definition, {
    hosts: [salesrender],
    port: 0,
    env: { SWITCHBOARD_DB_PATH: process.argv[2], LOG_LEVEL: "silent" },
  });
  process.stdout.write("ready\n");
} catch (error) {
  process.stderr.write(`${(error as Error).name}: ${(error as Error).message}\n`);
  process.exit(1);
}
