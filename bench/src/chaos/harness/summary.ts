/**
 * One summary line per chaos scenario, printed whatever the reporter does with console output.
 */

/** Prints `chaos <scenario>: key=value …`. */
export function summary(scenario: string, counts: Record<string, number | string>): void {
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  process.stdout.write(`\nchaos ${scenario}: ${parts.join(" ")}\n`);
}
