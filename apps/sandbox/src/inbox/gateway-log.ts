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

/** Reads a pino JSON line; undefined unless it is a send failure of a known CRM message (`send.retrying`, `send.failed`). */
export function readLoggedFailure(line: string): LoggedFailure | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { crmMessageId, err, event } = entry;
  if (event !== "send.retrying" && event !== "send.failed") return undefined;
  const message = (err as { message?: unknown } | undefined)?.message;
  if (typeof crmMessageId !== "string" || typeof message !== "string") return undefined;
  return { crmMessageId, reason: message.slice(0, 500), final: event === "send.failed" };
}
