/**
 * The retention schedule: startGateway runs a first pass soon after start with the gateway's and
 * the hosts' purges and logs one JSON line per pass; passes repeat every interval; a stop waits
 * for the pass in progress and no pass follows it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { salesrender } from "@switchboard/host-salesrender";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import type { AnyHost } from "../hosts/types.js";
import { FileStore } from "../files/file-store.js";
import { createLogger } from "../logger.js";
import { startGateway } from "../server/start-gateway.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { tempDbPath } from "../test/stack.js";
import { retentionPassLock } from "./pass-lock.js";
import type { RetentionReport } from "./retention-pass.js";
import { scheduleRetention } from "./retention-schedule.js";

const DAY = 24 * 3600_000;
const policy = { finishedMs: 30 * DAY, dedupeMs: 7 * DAY, historyMs: 365 * DAY, filesMs: 30 * DAY };

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info", name: "echo" }, stream) };
}

async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 20_000; !condition();) {
    if (Date.now() > deadline) throw new Error("the condition never came true");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("retention schedule", () => {
  it("runs the gateway's and the hosts' purges soon after start and logs what went", async () => {
    const echo = createEchoGateway();
    const cutoffs: number[] = [];
    const gateway = {
      ...echo.definition,
      setup: async (...args: Parameters<typeof echo.definition.setup>) => ({
        ...(await echo.definition.setup(...args)),
        purge: async ({ cutoffs: c }: { cutoffs: { history: number } }) => (cutoffs.push(c.history), { echo_rows: 1 }),
      }),
    };
    const host: AnyHost = {
      ...salesrender,
      setup: async (...args: Parameters<typeof salesrender.setup>) => ({
        ...(await salesrender.setup(...args)),
        purge: async () => ({ salesrender_rows: 2 }),
      }),
    } as AnyHost;
    const { lines, logger } = capturingLogger();
    const reports: RetentionReport[] = [];
    const gw = await startGateway(gateway, {
      hosts: [host],
      port: 0,
      logger,
      env: { SWITCHBOARD_DB_PATH: tempDbPath(), SWITCHBOARD_KEEP_HISTORY_DAYS: "10" },
      retention: { firstDelayMs: 0, onPass: (r) => reports.push(r) },
    });
    try {
      await until(() => reports.length > 0);
      expect(reports[0]).toMatchObject({
        ran: true,
        removed: { outgoing: 0, outgoing_parts: 0, seen_events: 0, stored_files: 0, echo_rows: 1, salesrender_rows: 2 },
      });
      // SWITCHBOARD_KEEP_HISTORY_DAYS is what the gateway's purge is told.
      expect(Math.abs(cutoffs[0]! - (Date.now() - 10 * DAY))).toBeLessThan(60_000);
      const passLines = lines.filter((l) => l.event === "retention.pass");
      expect(passLines).toHaveLength(1);
      expect(passLines[0]).toMatchObject({
        level: 30,
        gateway: "echo",
        removed: { echo_rows: 1, salesrender_rows: 2 },
      });
      expect(typeof passLines[0]!.durationMs).toBe("number");
    } finally {
      await gw.stop();
    }
  });

  it("repeats every interval, and a stop waits for the pass in progress", async () => {
    const db = openDatabase(":memory:");
    const { logger } = capturingLogger();
    let passes = 0;
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const schedule = scheduleRetention({
      db,
      files: new FileStore(db, mkdtempSync(join(tmpdir(), "sb-retention-"))),
      policy,
      lock: retentionPassLock(db, "echo"),
      logger,
      intervalMs: 20,
      firstDelayMs: 0,
      hooks: [
        {
          name: "echo",
          purge: async () => {
            passes++;
            if (passes === 3) {
              entered();
              await held;
            }
            return {};
          },
        },
      ],
    });
    await inside;
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const after = passes;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(passes).toBe(after);
    expect(after).toBe(3);
  });
});
