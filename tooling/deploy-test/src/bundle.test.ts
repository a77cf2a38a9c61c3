/**
 * bundleProblems on folders laid out as `pnpm deploy` lays them out: what it must find (sources
 * and tests of the app or of a workspace package copied in), and a clean folder it must pass.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleProblems } from "./bundle.js";

const CORE = "node_modules/.pnpm/@switchboard+core@file+packages+core/node_modules/@switchboard/core";
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A folder holding `files` (relative paths), the rest of a working bundle around them. */
function bundleWith(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-bundle-"));
  folders.push(dir);
  const all = [
    "dist/main.js",
    "node_modules/better-sqlite3/build/Release/better_sqlite3.node",
    `${CORE}/dist/index.js`,
    `${CORE}/node_modules/zod/index.js`,
    ...files,
  ];
  for (const file of all) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    writeFileSync(join(dir, file), "");
  }
  return dir;
}

describe("bundleProblems", () => {
  it("passes a bundle of built files, whatever its dependencies carry", () => {
    expect(
      bundleProblems(bundleWith(["node_modules/zod/src/index.test.ts", `${CORE}/node_modules/zod/a.test.js`])),
    ).toEqual([]);
  });

  it("finds the app's sources and tests", () => {
    expect(bundleProblems(bundleWith(["src/main.ts", "dist/main.test.js"]))).toEqual([
      "src is in the bundle",
      "a test is in the bundle: dist/main.test.js",
    ]);
  });

  it("finds sources and tests of a workspace package copied into the bundle", () => {
    expect(bundleProblems(bundleWith([`${CORE}/src/index.ts`, `${CORE}/dist/env.test.js`]))).toEqual([
      `${CORE}/src is in the bundle`,
      `a test is in the bundle: ${CORE}/dist/env.test.js`,
    ]);
  });
});
