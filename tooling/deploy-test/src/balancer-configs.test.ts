/**
 * compose.yaml's Caddyfile and haproxy.cfg, checked by the programs themselves (`caddy validate`,
 * `haproxy -c`; Debian's packages, which .ci/run installs): a typo there would only show when an
 * operator starts the stack.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireSystemProgram } from "@switchboard/testkit";
import { REPO_ROOT } from "./gateways.js";

const haproxy = requireSystemProgram({
  name: "HAProxy",
  candidates: ["haproxy", "/usr/sbin/haproxy"],
  neededBy: "the check of deploy/compose/haproxy.cfg",
  install: "apt-get install haproxy",
});
const caddy = requireSystemProgram({
  name: "Caddy",
  candidates: ["caddy", "/usr/bin/caddy"],
  neededBy: "the check of deploy/compose/Caddyfile",
  install: "apt-get install caddy",
});

/** Runs a program to the end; its exit code and everything it printed. */
function check(program: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(program, args, {
    cwd: REPO_ROOT,
    env: { PATH: "/usr/sbin:/usr/bin:/bin", ...env },
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(!haproxy)("deploy/compose/haproxy.cfg", () => {
  it("is a valid HAProxy configuration (haproxy -c)", () => {
    const { status, output } = check(haproxy!, ["-c", "-f", "deploy/compose/haproxy.cfg"]);
    expect(output).toMatch(/Configuration file is valid/);
    expect(status).toBe(0);
  });
});

describe.skipIf(!caddy)("deploy/compose/Caddyfile", () => {
  // Caddy keeps its state under XDG folders: a temporary one, not the machine's.
  const home = mkdtempSync(join(tmpdir(), "switchboard-caddy-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("is a valid Caddy configuration with compose's variables (caddy validate)", () => {
    const { status, output } = check(
      caddy!,
      ["validate", "--config", "deploy/compose/Caddyfile", "--adapter", "caddyfile"],
      {
        HOME: home,
        XDG_DATA_HOME: join(home, "data"),
        XDG_CONFIG_HOME: join(home, "config"),
        TELEGRAM_DOMAIN: "tg.example.com",
        SMS_DOMAIN: "sms.example.com",
        EMAIL_DOMAIN: "mail-gw.example.com",
        ACME_EMAIL: "ops@example.com",
      },
    );
    expect(output).toMatch(/Valid configuration/);
    expect(status).toBe(0);
  });
});
