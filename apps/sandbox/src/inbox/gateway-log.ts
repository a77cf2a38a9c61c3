/**
 * @module inbox/gateway-log — reasons from the gateways' own log lines. The protocol's status call
 * carries no reason, but each gateway logs why a send failed (with the CRM message id), and the
 * sandbox runs the gateways, so it can show that reason on the failed tick.
 */

/** A send failure a gateway logged. */
export interface LoggedFailure {
  crmMessageId: string;
  reason: string;
  /** True when the gateway gave up (error status); false when it will retry. */
  final: boolean;
}

/** Reads a pino JSON line; undefined unless it is a send failure of a known CRM message. */
export function readLoggedFailure(line: string): LoggedFailure | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { crmMessageId, err, msg } = entry;
  if (typeof crmMessageId !== "string" || typeof err !== "string" || typeof msg !== "string") return undefined;
  if (!msg.startsWith("send failed")) return undefined;
  const reason = err.replace(/^[A-Za-z]*Error: /, "").slice(0, 500);
  return { crmMessageId, reason, final: msg.includes("for good") };
}
