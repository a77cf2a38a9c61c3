/**
 * @module scenarios/footprint — each gateway's production main: time from process start to
 * `/readyz` answering 200, and resident memory once idle with one registered tenant.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startCrmSimulator } from "@switchboard/testkit";
import type { BenchOptions } from "../env.js";
import { BENCH_BOT_TOKEN, BENCH_TENANT } from "../gateway/bench-stack.js";
import { GatewayProcess } from "../gateway/gateway-process.js";
import { BotApiServer } from "../fakes/bot-api-server.js";
import { figure, type Figure, type ScenarioResult } from "../report/result.js";

const GATEWAYS = ["telegram", "sms", "email"] as const;
const STARTS = 5;
const IDLE_MS = 3000;

const mainOf = (name: string) => fileURLToPath(new URL(`../../../apps/${name}/dist/main.js`, import.meta.url));

/** Measures start-to-ready and idle RSS of every gateway that is built. */
export async function footprintScenario(_options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  const crm = await startCrmSimulator();
  const api = await BotApiServer.start({ recordCalls: false });
  try {
    for (const name of GATEWAYS) {
      const script = mainOf(name);
      if (!existsSync(script)) {
        notes.push(`${name}: skipped, ${script} is not built (run pnpm build)`);
        continue;
      }
      log(`footprint: ${name}`);
      const readyTimes: number[] = [];
      let idleRss = 0;
      for (let i = 0; i < STARTS; i++) {
        const dir = mkdtempSync(join(tmpdir(), `switchboard-footprint-${name}-`));
        const port = await freePort();
        const gw = GatewayProcess.spawn({
          script,
          port,
          env: {
            ...crm.env,
            NODE_ENV: "production",
            // Production refuses to start without one (secrets at rest are sealed with it).
            SWITCHBOARD_SECRET_KEY: randomBytes(32).toString("base64"),
            SWITCHBOARD_DB_PATH: join(dir, `${name}.sqlite`),
            SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
            TELEGRAM_API_ROOT: api.url,
            ...(name === "email"
              ? { SMTP_INBOUND_PORT: String(await freePort()), SMTP_INBOUND_HOST: "127.0.0.1" }
              : {}),
          },
        });
        try {
          readyTimes.push(await gw.ready());
          if (i === STARTS - 1) {
            // One tenant registered (and for Telegram configured), then left alone.
            await crm.register(gw.url, { ...BENCH_TENANT, pluginAlias: name });
            if (name === "telegram") {
              await crm.putSettings(
                gw.url,
                { ...BENCH_TENANT, pluginAlias: name },
                { main: { botToken: BENCH_BOT_TOKEN } },
              );
            }
            await new Promise((r) => setTimeout(r, IDLE_MS));
            idleRss = gw.memory().rssMb;
          }
        } finally {
          await gw.kill();
          rmSync(dir, { recursive: true, force: true });
        }
      }
      const sorted = [...readyTimes].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      details[name] = { readyTimes, idleRss };
      figures.push(
        figure(`${name}: start → /readyz 200 (median of ${STARTS})`, median, "ms", {
          text: "< 500 ms",
          met: median < 500,
        }),
        figure(`${name}: idle RSS`, idleRss, "MB", { text: "< 80 MB", met: idleRss < 80 }),
      );
    }
  } finally {
    await Promise.all([api.close(), crm.close()]);
  }
  notes.push(
    `start time is from spawn() of \`node dist/main.js\` to the first 200 from /readyz (polled every 5 ms); idle RSS ${IDLE_MS / 1000} s after one tenant registered`,
  );
  return { scenario: "5. footprint", figures, notes, details };
}
