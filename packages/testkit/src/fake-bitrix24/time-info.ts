/**
 * @module fake-bitrix24/time-info — the `time` object of every REST answer, with `operating` and
 * `operating_reset_at` for the method called.
 */
import type { OperatingReport } from "./operating.js";

/** The `time` object Bitrix24 puts beside `result`. */
export interface TimeInfo {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at?: number;
  operating?: number;
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** The `time` of a call that started at `startMs` and finished at `finishMs`. */
export function timeInfo(startMs: number, finishMs: number, operating?: OperatingReport): TimeInfo {
  const duration = Math.max(0, finishMs - startMs) / 1000;
  return {
    start: startMs / 1000,
    finish: finishMs / 1000,
    duration,
    processing: duration,
    date_start: isoSeconds(startMs),
    date_finish: isoSeconds(finishMs),
    ...(operating ? { operating_reset_at: operating.operatingResetAt, operating: operating.operating } : {}),
  };
}
