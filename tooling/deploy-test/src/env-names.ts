/**
 * @module env-names — the environment variables each deployed package's env.ts reads, found in its
 * source: schema keys, `source.NAME` reads and quoted names, minus the module's own constants.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./gateways.js";

/** The env.ts files of everything a gateway bundle runs: core, the hosts, the three gateways. */
export const DEPLOYED_ENV_FILES: readonly string[] = [
  "packages/core/src/env.ts",
  "packages/host-salesrender/src/env.ts",
  "packages/host-bitrix24/src/env.ts",
  "apps/telegram/src/env.ts",
  "apps/sms/src/env.ts",
  "apps/email/src/env.ts",
];

const NAME = "[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*";

/** The variable names `env.ts` source text reads. */
export function envNamesIn(source: string): Set<string> {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const declared = new Set(
    [...code.matchAll(new RegExp(`\\b(?:const|let|function|class)\\s+(${NAME})\\b`, "g"))].map((m) => m[1]!),
  );
  const imported = new Set(
    [...code.matchAll(/import\s*\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!.split(",").map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)
          .pop()!,
      ),
    ),
  );
  const found = new Set<string>();
  const patterns = [
    new RegExp(`^\\s*(${NAME})\\s*:`, "gm"), // a schema key
    new RegExp(`\\b(?:source|env|e|parsed\\.data)\\??\\.(${NAME})\\b`, "g"), // a read
    new RegExp(`"(${NAME})"`, "g"), // a name listed as a string
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const name = match[1]!;
      if (!declared.has(name) && !imported.has(name) && name.length > 2) found.add(name);
    }
  }
  return found;
}

/** Every variable the deployed packages read, with the files that read it. */
export function deployedEnvNames(): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const file of DEPLOYED_ENV_FILES) {
    for (const name of envNamesIn(readFileSync(join(REPO_ROOT, file), "utf8"))) {
      names.set(name, [...(names.get(name) ?? []), file]);
    }
  }
  return names;
}
