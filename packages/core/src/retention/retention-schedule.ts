/**
 * @module retention/retention-schedule — runs the retention pass soon after start and then every
 * interval, one at a time, and logs one JSON line per pass with what it removed.
 */
import type { Logger } from "pino";
import { runRetentionPass, type RetentionPassOptions, type RetentionReport } from "./retention-pass.js";

/** Options of {@link scheduleRetention}. */
export interface RetentionScheduleOptions extends Omit<RetentionPassOptions, "stopped"> {
  logger: Logger;
  /** Between the start of one pass and the next. */
  intervalMs: number;
  /** Before the first pass (default 30 s: after the start's own work, soon enough to matter). */
  firstDelayMs?: number;
  /** Told each pass's report (tests). */
  onPass?: (report: RetentionReport) => void;
}

/** A running schedule. */
export interface RetentionSchedule {
  /** Stops the schedule; resolves once a pass in progress ended (it stops at its next statement). */
  stop(): Promise<void>;
}

/** Starts the schedule. */
export function scheduleRetention(options: RetentionScheduleOptions): RetentionSchedule {
  const { logger, intervalMs, onPass, ...pass } = options;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    const started = Date.now();
    try {
      const report = await runRetentionPass({ ...pass, stopped: () => stopped });
      if (report.ran) {
        const { removed, failed, durationMs } = report;
        if (Object.keys(failed).length)
          logger.warn({ event: "retention.partial", removed, failed, durationMs }, "retention pass failed in part");
        else logger.info({ event: "retention.pass", removed, durationMs }, "retention pass");
      } else {
        logger.debug({ event: "retention.skipped" }, "retention pass skipped: another replica is running one");
      }
      onPass?.(report);
    } catch (err) {
      logger.warn({ event: "retention.failed", err }, "retention pass failed");
    }
    if (!stopped) next(Math.max(0, intervalMs - (Date.now() - started)));
  };
  const next = (delay: number) => {
    timer = setTimeout(() => (running = run()), delay);
    timer.unref();
  };
  next(options.firstDelayMs ?? Math.min(30_000, intervalMs));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
