/**
 * A replica process for tests: PgLeases (and its notifier) on the database argv[2] as replica
 * argv[3] with a lease of argv[4] ms; prints the tenants it owns as a JSON array on stdout every
 * time they change, and runs until killed.
 */
import pg from "pg";
import pino from "pino";
import { PgLeases } from "../pg-leases.js";
import { PgNotifier } from "../pg-notifier.js";

const [url, replicaId, leaseMs] = process.argv.slice(2) as [string, string, string];
const logger = pino({ level: "silent" });
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on("error", () => undefined);
const notifier = new PgNotifier({ connection: { connectionString: url }, logger });
const leases = new PgLeases({ pool, leaseMs: Number(leaseMs), logger, notifier, replicaId });
await notifier.start();
await leases.start();
let last = "";
setInterval(() => {
  const now = JSON.stringify(leases.ownedTenants());
  if (now !== last) process.stdout.write(`${(last = now)}\n`);
}, 10);
