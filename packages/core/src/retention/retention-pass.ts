/**
 * @module retention/retention-pass — one pass of the retention schedule: core's finished rows
 * (outgoing messages and parts, dedupe ids, stored files and uploads), then each gateway's and
 * host's own purge, under the pass lock. The CRM outbox needs none: a request leaves its table
 * when it is delivered, refused or expired, and what is still pending is never purged.
 */
import { lt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { coreTables } from "../db/schema.js";
import type { FileStore } from "../files/file-store.js";
import { DEFAULT_PURGE_BATCH, deleteInBatches } from "./batched-delete.js";
import { purgeFinishedMessages } from "./finished-messages.js";
import type { PassLock } from "./pass-lock.js";
import type { PurgeContext, PurgeHook } from "./purge-hook.js";
import { cutoffsAt, type RetentionPolicy } from "./retention-policy.js";

/** A gateway's or host's purge, with the name it is reported under. */
export interface NamedPurge {
  name: string;
  purge: PurgeHook;
}

/** What one pass needs. */
export interface RetentionPassOptions {
  db: Database;
  files: FileStore;
  policy: RetentionPolicy;
  lock: PassLock;
  hooks?: readonly NamedPurge[];
  /** Rows per delete statement at most (default 5 000). */
  batchSize?: number;
  /** Asked between statements: true ends the pass early (the process is stopping). */
  stopped?: () => boolean;
  now?: () => number;
}

/** What a pass did: rows removed per table, and the purges that failed (by name, with the reason). */
export type RetentionReport =
  { ran: true; removed: Record<string, number>; failed: Record<string, string>; durationMs: number } | { ran: false };

/** Runs one pass unless another process is running one on the same database. */
export async function runRetentionPass(options: RetentionPassOptions): Promise<RetentionReport> {
  const result = await options.lock.tryRun(() => purgeAll(options));
  return result.ran ? result.value : { ran: false };
}

async function purgeAll(options: RetentionPassOptions): Promise<RetentionReport & { ran: true }> {
  const { db } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const cutoffs = cutoffsAt(options.policy, started);
  const batch = { batchSize: options.batchSize ?? DEFAULT_PURGE_BATCH, stopped: options.stopped ?? (() => false) };
  const removed: Record<string, number> = {};
  const failed: Record<string, string> = {};
  // One part failing (say a gateway's purge) does not keep the others from running.
  const step = async (name: string, work: () => Promise<Record<string, number>>) => {
    if (batch.stopped()) return;
    try {
      for (const [table, count] of Object.entries(await work())) removed[table] = (removed[table] ?? 0) + count;
    } catch (error) {
      failed[name] = error instanceof Error ? error.message : String(error);
    }
  };
  const { seenEvents } = coreTables.for(db);
  await step("outgoing", async () => ({ ...(await purgeFinishedMessages(db, cutoffs.finished, batch)) }));
  await step("seen_events", async () => ({
    seen_events: await deleteInBatches(db, seenEvents, lt(seenEvents.seenAt, cutoffs.dedupe), batch),
  }));
  await step("stored_files", async () => ({ stored_files: await options.files.clean(options.policy.filesMs, batch) }));
  const context: PurgeContext = {
    cutoffs,
    deleteInBatches: (table, where) => deleteInBatches(db, table, where, batch),
  };
  for (const hook of options.hooks ?? []) await step(hook.name, () => hook.purge(context));
  return { ran: true, removed, failed, durationMs: now() - started };
}
