/**
 * docs/deploying.md stays true to the code: every variable an env.ts of a deployed package reads is
 * in its tables, every variable its tables list is read by one, and each default the tables give
 * as a plain value is the one that package's reader uses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCoreConfig } from "@switchboard/core/internal";
import { readBitrix24Env } from "@switchboard/host-bitrix24";
import { readSalesRenderEnv } from "@switchboard/host-salesrender";
import { readEmailEnv } from "@switchboard/email/dist/env.js";
import { readSmsEnv } from "@switchboard/sms/dist/env.js";
import { readTelegramEnv } from "@switchboard/telegram/dist/env.js";
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

type Reader = (env: Record<string, string>) => unknown;

/**
 * Each table's reader, by the start of its `###` heading: what the package makes of an
 * environment (with what it needs to start at all, and email's inbound server on, so its limits
 * are read).
 */
const READERS: ReadonlyArray<readonly [string, Reader]> = [
  ["Every gateway (core)", (env) => loadCoreConfig({ LV_PLUGIN_SELF_URI: "https://gw.example.com/", ...env })],
  ["SalesRender host", (env) => readSalesRenderEnv(env)],
  ["Bitrix24 host", (env) => readBitrix24Env({ BITRIX24_CLIENT_ID: "local.1", BITRIX24_CLIENT_SECRET: "s", ...env })],
  ["Telegram", (env) => readTelegramEnv(env).gateway],
  ["SMS", (env) => readSmsEnv(env).gateway],
  ["Email", (env) => readEmailEnv({ SMTP_INBOUND_PORT: "2525", ...env }).gateway],
];

/** A default cell that is only values: `` `v` `` or `` `a` / `b` ``, maybe with a remark in brackets. */
const PLAIN_DEFAULT = /^`([^`<]*)`(?: \/ `([^`<]*)`)?(?: \(.*\))?$/;

/** The table rows of docs/deploying.md's Variables section whose default is a plain value. */
function plainDefaults(): { section: string; pairs: [string, string][] }[] {
  const variables = doc.slice(doc.indexOf("\n## Variables"), doc.indexOf("\n## TLS and the public URL"));
  const rows: { section: string; pairs: [string, string][] }[] = [];
  let section = "";
  for (const line of variables.split("\n")) {
    if (line.startsWith("### ")) section = line.slice(4);
    if (!line.startsWith("| `")) continue;
    const [nameCell = "", defaultCell = ""] = line.split(" | ");
    const match = PLAIN_DEFAULT.exec(defaultCell.trim());
    if (!match) continue;
    const names = [...nameCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!);
    const values = [match[1]!, ...(match[2] === undefined ? [] : [match[2]])];
    expect(names.length, line).toBe(values.length);
    rows.push({ section, pairs: names.map((name, i) => [name, values[i]!]) });
  }
  return rows;
}

/** Another valid value than `value` where one is obvious (a number, a boolean), to see the variable is read. */
function otherValue(value: string): string | undefined {
  if (/^\d+$/.test(value)) return String(Number(value) + 1);
  if (value === "true" || value === "false") return value === "true" ? "false" : "true";
  return undefined;
}

describe("docs/deploying.md's defaults", () => {
  it("are the values the packages use when the variable is unset", () => {
    const rows = plainDefaults();
    // Most rows have a plain default: a parse that found few would prove nothing.
    expect(rows.length).toBeGreaterThan(40);
    for (const { section, pairs } of rows) {
      const reader = READERS.find(([heading]) => section.startsWith(heading))?.[1];
      expect(reader, `no reader for the table under "### ${section}"`).toBeDefined();
      const unset = reader!({});
      const given = Object.fromEntries(pairs);
      expect(reader!(given), `${section}: ${JSON.stringify(given)}`).toEqual(unset);
      for (const [name, value] of pairs) {
        const other = otherValue(value);
        if (other === undefined) continue;
        expect(reader!({ [name]: other }), `${section}: ${name}=${other} changes nothing`).not.toEqual(unset);
      }
    }
  });
});
