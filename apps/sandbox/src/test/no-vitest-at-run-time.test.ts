/**
 * The sandbox runs the testkit (CRM simulator, fakes) at run time, so loading it must not load
 * vitest: only `@switchboard/testkit/conformance` may. A real Node process imports every testkit
 * entry the sandbox's own code imports, with a module resolve hook recording what gets loaded.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const SANDBOX_DIR = fileURLToPath(new URL("../../", import.meta.url));
const SRC_DIR = join(SANDBOX_DIR, "src");
const hookDir = mkdtempSync(join(tmpdir(), "sandbox-loads-"));
afterAll(() => rmSync(hookDir, { recursive: true, force: true }));

/** Value imports of the testkit in the sandbox's run-time sources (tests and type imports left out). */
function runtimeTestkitEntries(): string[] {
  const entries = new Set<string>();
  for (const file of readdirSync(SRC_DIR, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file.split("/").includes("test")) continue;
    const source = readFileSync(join(SRC_DIR, file), "utf8");
    for (const match of source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(@switchboard\/testkit[^"]*)"/gms)) {
      entries.add(match[1]!);
    }
  }
  return [...entries].sort();
}

/** Every module URL a fresh Node process resolves while importing `specifiers` from the sandbox's folder. */
function modulesLoadedBy(specifiers: string[]): string[] {
  const hook = join(hookDir, "record-loads.mjs");
  writeFileSync(
    hook,
    `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  console.log("loaded " + result.url);
  return result;
}\n`,
  );
  const register = `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(hook).href)});`;
  const script = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join("\n");
  const run = spawnSync(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(register)}`, "--input-type=module", "-e", script],
    { cwd: SANDBOX_DIR, encoding: "utf8", timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout
    .split("\n")
    .filter((line) => line.startsWith("loaded "))
    .map((line) => line.slice("loaded ".length));
}

const isVitest = (url: string) =>
  /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(?:vitest|@vitest\/[^/]+)\//.test(url);

describe("the sandbox at run time", () => {
  it("loads the testkit entries it uses without loading vitest", () => {
    const entries = runtimeTestkitEntries();
    expect(entries).toEqual(
      expect.arrayContaining([
        "@switchboard/testkit",
        "@switchboard/testkit/bitrix24",
        "@switchboard/testkit/smtp",
        "@switchboard/testkit/telegram",
        "@switchboard/testkit/twilio",
      ]),
    );
    const loaded = modulesLoadedBy(entries);
    // The hook saw the testkit's own modules, so an empty vitest list means something.
    expect(loaded.some((url) => url.includes("/packages/testkit/dist/crm-simulator/"))).toBe(true);
    expect(loaded.filter(isVitest).map((url) => relative(SANDBOX_DIR, fileURLToPath(url)))).toEqual([]);
  });

  it("would see vitest if something loaded it (the conformance suite does)", () => {
    expect(modulesLoadedBy(["@switchboard/testkit/conformance"]).some(isVitest)).toBe(true);
  });
});
