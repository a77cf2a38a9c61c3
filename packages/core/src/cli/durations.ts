/**
 * @module cli/durations — the ages an operator types: `30m`, `12h`, `7d` (also `s` and `w`).
 */
import { CliInputError } from "./cli-errors.js";

const UNIT_MS = new Map<string, number>([
  ["s", 1000],
  ["m", 60_000],
  ["h", 3_600_000],
  ["d", 86_400_000],
  ["w", 7 * 86_400_000],
]);

/** Milliseconds of a duration like `7d`; a `CliInputError` naming `what` for anything else. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  const unit = match ? UNIT_MS.get(match[2]!) : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw new CliInputError(`${what} must be a positive duration such as 30m, 12h or 7d (got "${text}")`);
  }
  return Number(match[1]) * unit;
}

/** A short age for people: `45s`, `12m`, `3h`, `2d`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
