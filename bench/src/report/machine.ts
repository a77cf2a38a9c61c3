/**
 * @module report/machine — the machine every figure was measured on.
 */
import { cpus, loadavg, release, totalmem } from "node:os";

/** Cores, CPU model, memory, Node and kernel versions. */
export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  kernel: string;
  /** 1-minute load average when the run started (other work on the machine skews every figure). */
  loadAverage: number;
}

/** Describes this machine. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** One line for the table header: `2 cores (…), 24 GB, Node v20.x`. */
export function machineLine(m: Machine): string {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB RAM, Node ${m.node}, Linux ${m.kernel}, load average ${m.loadAverage} at start`;
}
