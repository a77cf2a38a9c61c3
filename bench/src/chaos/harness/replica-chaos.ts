/**
 * The two disruptions of the replica chaos scenarios, in order, each once enough work went
 * through: `kill -9` of a replica that owns a tenant (then restarted), and later a stop of
 * PostgreSQL itself for a few seconds (then started again). What each had in flight is measured.
 */
import { waitFor } from "@switchboard/testkit";
import type { FrozenState, InFlight } from "../../queue/pg-probe.js";
import { now, type ReplicaStack } from "./replica-stack.js";

/** How PostgreSQL stays down at least: longer than the 3 s lease, so every replica fences itself meanwhile. */
export const DATABASE_DOWN_MS = 4000;

/** When to disrupt, by a count of work done (distinct messages delivered). */
export interface ChaosPlan {
  done(): number;
  killAfter: number;
  stopAfter: number;
  /** Runs with the database stopped and every replica answering `/readyz` 503, just before it starts again. */
  whileDown?(frozen: FrozenState): void;
}

/** What happened, in `performance.now()` times (the fakes' clock). */
export interface ChaosRecord {
  /** `handoverMs`: from the kill until another replica held each of the killed one's tenants. */
  kill: InFlight & { at: number; replica: number; tenantIds: number[]; restartMs: number; handoverMs: number };
  stop: FrozenState & { at: number; upAt: number; readyAgainMs: number };
}

/** Waits until every replica answers `/readyz` with `status`; a timeout names what each answered last. */
async function everyReplica(stack: ReplicaStack, status: number, timeoutMs: number, what: string): Promise<void> {
  let answers: number[] = [];
  await waitFor(async () => (answers = await stack.readiness()).every((answer) => answer === status), {
    timeoutMs,
    message: () => `${what} (their last answers to /readyz: ${answers.join(", ")}; 0 is none within 2 s)`,
  });
}

/** Runs both disruptions; resolves once PostgreSQL is back and every replica is ready again. */
export async function disrupt(stack: ReplicaStack, plan: ChaosPlan): Promise<ChaosRecord> {
  await waitFor(() => plan.done() >= plan.killAfter, { timeoutMs: 900_000, message: "work done before the kill" });
  // A replica that owns a tenant (the leases, from the shards table), and every tenant it owns.
  const { replica } = await waitFor(
    async () => {
      const owner = await stack.ownerOf(stack.tenants[0]!.tenantId);
      return owner === undefined ? undefined : { replica: owner };
    },
    { timeoutMs: 30_000, message: "an owner of the first tenant" },
  );
  const tenantIds: number[] = [];
  for (const t of stack.tenants) if ((await stack.ownerOf(t.tenantId)) === replica) tenantIds.push(t.tenantId);
  const before = await stack.probe.owners();
  const killAt = now();
  const inFlight = await stack.kill(replica, () => stack.probe.inFlight(tenantIds));
  // Handover: until another replica (the restarted one is another too) holds each of its tenants.
  const handover = waitFor(
    async () => {
      const owners = await stack.probe.owners();
      return tenantIds.every((t) => owners.has(t) && owners.get(t) !== before.get(t)) && now();
    },
    { timeoutMs: 60_000, intervalMs: 25, message: "the killed replica's tenants owned again" },
  );
  const restartFrom = now();
  await stack.restart(replica);
  const restartMs = now() - restartFrom;
  const handoverMs = (await handover) - killAt;
  const kill = { ...inFlight, at: killAt, replica, tenantIds, restartMs, handoverMs };

  await waitFor(() => plan.done() >= plan.stopAfter, { timeoutMs: 900_000, message: "work done before the stop" });
  const stopAt = now();
  const frozen = await stack.probe.stopTheWorld(() => stack.server.stopServer());
  let upAt = 0;
  try {
    await everyReplica(stack, 503, 30_000, "every replica not ready");
    await waitFor(() => now() - stopAt >= DATABASE_DOWN_MS, { timeoutMs: DATABASE_DOWN_MS + 5000 });
    plan.whileDown?.(frozen);
  } finally {
    // Also when a wait above failed: the run then ends with its error, not stalled on a stopped database.
    await stack.server.startServer();
    upAt = now();
  }
  await everyReplica(stack, 200, 60_000, "every replica ready again");
  return { kill, stop: { ...frozen, at: stopAt, upAt, readyAgainMs: now() - upAt } };
}
