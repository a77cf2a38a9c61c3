/**
 * The chaos suite's one knob: `CHAOS_SEED`, the base seed of the property-based runs.
 */

/** Base seed of fast-check runs (default fixed, so CI checks the same inputs every time). */
export function chaosSeed(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.CHAOS_SEED);
  return Number.isInteger(value) ? value : 20_260_101;
}
