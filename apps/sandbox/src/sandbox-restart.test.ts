/**
 * A sandbox restarted on the same data (as `pnpm start` twice does): the gateways keep their
 * SQLite files, the fake Bitrix24 starts empty, and the portal is installed and connected again,
 * so a Telegram customer of the portal's bot still reaches its Open Lines chat.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "@switchboard/testkit";
import { afterAll, expect, it } from "vitest";
import { startSandbox } from "./sandbox.js";

const dataDir = mkdtempSync(join(tmpdir(), "sandbox-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it("connects the Bitrix24 portal again after a restart on the same data", { timeout: 120_000 }, async () => {
  // The gateways pin the company to the CRM's origin, so both runs use one CRM port.
  const config = {
    port: 0,
    gatewayPorts: new Map(),
    crmPort: await freePort(),
    dataDir,
    logLevel: "error",
  };
  for (const run of ["first run", "after the restart"]) {
    const sandbox = await startSandbox(config, { inherited: process.env });
    try {
      const form = new FormData();
      form.append("bot", "bitrix24");
      form.append("user", "5550009");
      form.append("text", `Hello, ${run}`);
      expect((await fetch(`${sandbox.url}api/telegram/send`, { method: "POST", body: form })).status).toBe(201);
      const portal = sandbox.bitrix24.portal;
      await waitFor(() => portal.messages().some((m) => m.text === `Hello, ${run}`), { timeoutMs: 20_000 });
    } finally {
      await sandbox.stop();
    }
  }
});
