/**
 * @module report/result — what every scenario returns: named figures with units and targets.
 */

/** One measured number. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The target in words (e.g. `≥ 30 %`), when the issue sets one. */
  target?: string;
  /** Whether the target was met. */
  met?: boolean;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  scenario: string;
  figures: Figure[];
  /** Anything a reader needs to interpret the figures (skips, caveats, counts). */
  notes: string[];
  /** Raw details kept in the JSON file only. */
  details?: Record<string, unknown>;
}

/** A figure rounded for display. */
export function figure(name: string, value: number, unit: string, target?: { text: string; met: boolean }): Figure {
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
  return { name, value: rounded, unit, ...(target ? { target: target.text, met: target.met } : {}) };
}
