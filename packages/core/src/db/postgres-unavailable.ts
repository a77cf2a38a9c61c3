/**
 * @module db/postgres-unavailable — which errors of PostgreSQL (and of the `pg` driver's connections
 * to it) mean "not now": the server is down, restarting, out of connections or out of room, or the
 * connection to it broke. The same request can succeed later; nothing about it was wrong.
 */

// SQLSTATE classes and codes: 08 connection exception; 53 insufficient resources (53100 disk full,
// 53300 too many connections, …); 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
// now (starting up, shutting down, in recovery); 25006 read-only transaction (a standby after a failover).
const SQLSTATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[123]|25006)$/;

// The socket to the server failed or could not be opened (the name did not resolve, for now).
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

// The driver's own errors, which carry no code: a connection that ended, a pool that found no free
// connection within its timeout.
const DRIVER_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Query read timeout",
  "timeout expired",
]);

/** True for one error (not its causes) that says PostgreSQL cannot be reached or take the request right now. */
export function isPostgresUnavailable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (SQLSTATE.test(code) || SOCKET_CODES.has(code))) return true;
  return DRIVER_MESSAGES.has(error.message);
}
