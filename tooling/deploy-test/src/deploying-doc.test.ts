/**
 * docs/deploying.md stays true to the code: every variable an env.ts of a deployed package reads is
 * in its tables, and every variable its tables list is read by one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deployedEnvNames } from "./env-names.js";
import { REPO_ROOT } from "./gateways.js";

const doc = readFileSync(join(REPO_ROOT, "docs/deploying.md"), "utf8");
const read = deployedEnvNames();

/** The names in the first cell of each table row (`| \`A\` / \`B\` | …`). */
const documented = new Set(
  doc
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)),
);

describe("docs/deploying.md", () => {
  it("lists every variable the deployed packages read", () => {
    const missing = [...read.entries()]
      .filter(([name]) => !documented.has(name))
      .map(([n, f]) => `${n} (${f.join(", ")})`);
    expect(missing).toEqual([]);
  });

  it("lists no variable that nothing reads", () => {
    expect([...documented].filter((name) => !read.has(name))).toEqual([]);
  });
});
