/**
 * The app's built CLI (`dist/cli.js`, bin `switchboard-echo`) as a real child process: it migrates
 * a new SQLite file and reads it with the gateway's environment.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNodeScript } from "@switchboard/testkit";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("the echo CLI", { timeout: 60_000 }, () => {
  it("migrates a new database, then lists its (no) tenants and queue", async () => {
    const env = { SWITCHBOARD_DB_PATH: join(mkdtempSync(join(tmpdir(), "echo-cli-")), "echo.sqlite") };
    const help = await runNodeScript(CLI, ["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: switchboard-echo <command>/);
    const before = await runNodeScript(CLI, ["tenants", "list"], env);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/does not exist: start the gateway once, or run `migrate`/);
    const migrated = await runNodeScript(CLI, ["migrate", "--json"], env);
    expect(migrated.code).toBe(0);
    expect((JSON.parse(migrated.stdout) as { ran: number }).ran).toBeGreaterThan(0);
    const tenants = await runNodeScript(CLI, ["tenants", "list", "--json"], env);
    expect(JSON.parse(tenants.stdout)).toEqual({ tenants: [] });
    const stats = await runNodeScript(CLI, ["queue", "stats"], env);
    expect(stats.stdout).toMatch(/^STATE +MESSAGES +OLDEST\nqueued +0 +-\n/);
  });
});
