/**
 * @module report/cpu-profile — summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time
 * per function and per package, so "where does the time go" has an answer with numbers.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** One line of the summary. */
export interface ProfileEntry {
  name: string;
  selfPercent: number;
}

/** Self-time shares of the top functions and of each package / area. */
export interface ProfileSummary {
  totalMs: number;
  functions: ProfileEntry[];
  areas: ProfileEntry[];
}

/** A fresh folder for one scenario's gateway profile under `BENCH_CPU_PROF`; none when profiling is off. */
export function profileDirFor(root: string | undefined, scenario: string): string | undefined {
  if (!root) return undefined;
  const dir = join(root, `${scenario}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Summarises the profile a stopped `node --cpu-prof --cpu-prof-dir=<dir>` process left in `dir`, if any. */
export function summariseProfileIn(dir: string, top?: number): ProfileSummary | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  return file ? summariseProfile(join(dir, file), top) : undefined;
}

/** Reads a profile file and summarises it. */
export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
  };
  const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || "(anonymous)"} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
    const area = areaOf(functionName, url);
    byArea.set(area, (byArea.get(area) ?? 0) + count);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, selfPercent: Math.round((count / hits) * 1000) / 10 }));
  return { totalMs: (profile.endTime - profile.startTime) / 1000, functions: rank(byFunction), areas: rank(byArea) };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const pkg = /\/(packages|apps)\/(.+)$/.exec(url);
  return pkg ? `${pkg[1]}/${pkg[2]}` : url.replace(/^file:\/\//, "");
}

/** Groups a frame by package (jose, hono, better-sqlite3, …), core/app source, Node internals or V8. */
function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "native / V8 builtins";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ws = /\/(packages|apps)\/([^/]+)\//.exec(url);
  return ws ? `@switchboard/${ws[2]}` : "other";
}

/** Renders the summary as text lines. */
export function renderProfile(summary: ProfileSummary): string {
  const lines = [`CPU profile of the gateway (${Math.round(summary.totalMs)} ms sampled), self time:`, "  by area:"];
  for (const a of summary.areas) lines.push(`    ${a.selfPercent.toFixed(1).padStart(5)} %  ${a.name}`);
  lines.push("  top functions:");
  for (const f of summary.functions) lines.push(`    ${f.selfPercent.toFixed(1).padStart(5)} %  ${f.name}`);
  return lines.join("\n");
}
