/**
 * The email app's built CLI (`dist/cli.js`, bin `switchboard-email`) as a real child process beside
 * a running email gateway on a SQLite file: the tenants and messages it stored from the CRM
 * simulator through the SMTP sinks, never their SMTP passwords.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNodeScript, uniqueId } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestbed, type Testbed } from "./test/testbed.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("the email CLI", { timeout: 120_000 }, () => {
  let bed: Testbed;
  let env: Record<string, string>;
  const cli = (args: string[]) => runNodeScript(CLI, args, env);

  beforeAll(async () => {
    const store = {
      SWITCHBOARD_DB_PATH: join(mkdtempSync(join(tmpdir(), "email-cli-")), "email.sqlite"),
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
    };
    bed = await startTestbed({ env: store });
    env = { ...bed.crm.env, ...store, LV_PLUGIN_SELF_URI: bed.gateway.url };
  });
  afterAll(() => bed?.stop());

  it("shows the tenants and the queue the running gateway stored", async () => {
    const id = uniqueId("mail");
    const res = await bed.send(0, {
      chat: { id: null, contact: "customer@example.test", subject: "Order" },
      message: { id, content: { text: "your order shipped", format: "text" }, attachments: [] },
    });
    expect(res.status).toBe(202);
    await bed.crm.waitFor(() => bed.crm.statusesOf(id).includes("sent"));

    const tenants = await cli(["tenants", "list"]);
    expect(tenants.code).toBe(0);
    expect(tenants.stdout.split("\n")[0]).toMatch(/^ID +HOST +KEY +PUBLIC ID/);
    expect(tenants.stdout.trimEnd().split("\n")).toHaveLength(3);
    for (const secret of ["pass-a", "pass-b"]) expect(tenants.stdout).not.toContain(secret);

    const stats = await cli(["queue", "stats", "--json"]);
    expect(stats.code).toBe(0);
    expect((JSON.parse(stats.stdout) as { states: Record<string, number> }).states).toMatchObject({
      sent: 1,
      failed: 0,
    });
    const bad = await cli(["outbox", "list", "--limit", "many"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('switchboard-email: --limit must be a whole number from 1 to 10000 (got "many")\n');
  });
});
