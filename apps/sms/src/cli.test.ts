/**
 * The SMS app's built CLI (`dist/cli.js`, bin `switchboard-sms`) as a real child process beside a
 * running SMS gateway on a SQLite file, with data the gateway stored from the CRM simulator and the
 * fake Twilio; a store whose migrations are behind (a host switched on) is refused until `migrate`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNodeScript } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "./test/testbed.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("the sms CLI", { timeout: 120_000 }, () => {
  let bed: SmsTestbed;
  let env: Record<string, string>;
  const cli = (args: string[], extra: Record<string, string> = {}) => runNodeScript(CLI, args, { ...env, ...extra });

  beforeAll(async () => {
    const store = {
      SWITCHBOARD_DB_PATH: join(mkdtempSync(join(tmpdir(), "sms-cli-")), "sms.sqlite"),
      SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
    };
    bed = await startSmsTestbed(1, { env: store });
    env = { ...bed.crm.env, ...store, LV_PLUGIN_SELF_URI: bed.url, TWILIO_API_BASE_URL: bed.twilio.url };
  });
  afterAll(() => bed?.stop());

  it("lists the tenant and the messages the running gateway stored, never the Twilio token", async () => {
    const id = await bed.sendText(0, "+14155550123", "hello from the CLI test");
    await bed.waitStatus(id, "sent");
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: switchboard-sms <command>/);
    expect(help.stdout).not.toContain("webhook");

    const tenants = await cli(["tenants", "list", "--json"]);
    expect(tenants.code).toBe(0);
    const { publicId } = await bed.tenant(0);
    expect(JSON.parse(tenants.stdout)).toMatchObject({ tenants: [{ publicId, settingsSaved: true, queued: 0 }] });
    expect(tenants.stdout).not.toContain(bed.tenants[0]!.account.authToken);

    const listed = await cli(["queue", "list", `--tenant=${publicId}`, "--json"]);
    expect(listed.code).toBe(0);
    const { messages } = JSON.parse(listed.stdout) as {
      messages: { crmMessageId: string; state: string; contact: string }[];
    };
    expect(messages).toEqual([expect.objectContaining({ crmMessageId: id, state: "sent", contact: "+14155550123" })]);
    expect(listed.stdout).not.toContain("hello from the CLI test");
  });

  it("refuses a store whose migrations are behind, and migrate applies them once the gateway stopped", async () => {
    // Bitrix24 switched on: its migrations have not run on this file yet.
    const both = {
      SWITCHBOARD_HOSTS: "salesrender,bitrix24",
      BITRIX24_CLIENT_ID: "local.cli",
      BITRIX24_CLIENT_SECRET: "cli-secret",
    };
    const behind = await cli(["queue", "stats"], both);
    expect(behind.code).toBe(1);
    expect(behind.stdout).toBe("");
    expect(behind.stderr).toMatch(
      /^switchboard-sms: the SQLite database \S+ is not migrated \(host bitrix24 0\/\d+\): run `migrate`/,
    );
    const busy = await cli(["migrate"], both);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain("is in use by a running gateway");
    await bed.gateway.stop({ timeoutMs: 1000 });
    const migrated = await cli(["migrate", "--json"], both);
    expect(migrated.code).toBe(0);
    const answer = JSON.parse(migrated.stdout) as {
      ran: number;
      packages: { name: string; applied: number; total: number }[];
    };
    expect(answer.ran).toBeGreaterThan(0);
    expect(answer.packages.find((p) => p.name === "host bitrix24")).toMatchObject({ applied: answer.ran });
    expect((await cli(["queue", "stats"], both)).code).toBe(0);
  });
});
