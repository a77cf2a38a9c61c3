/**
 * @module retention/retention-policy — how long finished things are kept, from core's configuration,
 * and the cutoffs one pass of the schedule deletes before.
 */
import type { CoreConfig } from "../env.js";

/** How long each kind of finished row is kept, in ms. */
export interface RetentionPolicy {
  /** Finished outgoing messages and their parts (`SWITCHBOARD_KEEP_FINISHED_DAYS`). */
  finishedMs: number;
  /** Ids of incoming events already handled (`SWITCHBOARD_KEEP_DEDUPE_DAYS`). */
  dedupeMs: number;
  /** What gateways and hosts keep per message to link later ones to it (`SWITCHBOARD_KEEP_HISTORY_DAYS`). */
  historyMs: number;
  /** Stored files and uploads (`SWITCHBOARD_FILE_TTL_HOURS`). */
  filesMs: number;
}

/** The times (ms since the epoch) before which each kind of row may go, in one pass. */
export interface RetentionCutoffs {
  finished: number;
  dedupe: number;
  history: number;
  files: number;
}

/** The policy of a configuration. */
export function retentionPolicy(config: Pick<CoreConfig, "retention" | "fileTtlMs">): RetentionPolicy {
  const { finishedMs, dedupeMs, historyMs } = config.retention;
  return { finishedMs, dedupeMs, historyMs, filesMs: config.fileTtlMs };
}

/** The cutoffs of a pass run at `now`. */
export function cutoffsAt(policy: RetentionPolicy, now: number): RetentionCutoffs {
  return {
    finished: now - policy.finishedMs,
    dedupe: now - policy.dedupeMs,
    history: now - policy.historyMs,
    files: now - policy.filesMs,
  };
}
