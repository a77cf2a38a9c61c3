/**
 * The SQLite notifier hears what another connection (the CLI, another process) commits to the
 * file, by its poll of data_version, and not its own process's writes twice.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { LocalNotifier } from "./local-notifier.js";

describe("LocalNotifier's poll of other connections' writes", () => {
  const open: BetterSqlite3.Database[] = [];
  afterEach(() => open.splice(0).forEach((db) => db.close()));

  it("rescans every kind once another connection committed, and stays quiet while nobody else writes", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "notifier-")), "db.sqlite");
    const mine = new BetterSqlite3(file);
    const theirs = new BetterSqlite3(file);
    open.push(mine, theirs);
    mine.pragma("journal_mode = WAL");
    mine.exec("CREATE TABLE t (x INTEGER)");
    const heard: string[] = [];
    const notifier = new LocalNotifier({
      everyMs: 5,
      version: () => Number(mine.pragma("data_version", { simple: true })),
    });
    notifier.on("send", (tenant, cause) => heard.push(`send ${tenant} ${cause}`));
    notifier.on("outbox", (tenant, cause) => heard.push(`outbox ${tenant} ${cause}`));
    await notifier.start();
    try {
      // This connection's own writes do not change its data_version: nothing is heard.
      mine.prepare("INSERT INTO t VALUES (1)").run();
      const ticks = async (n: number) => {
        for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await ticks(10);
      expect(heard).toEqual([]);
      theirs.prepare("INSERT INTO t VALUES (2)").run();
      await expect.poll(() => heard, { timeout: 5000 }).toEqual(["send null rescan", "outbox null rescan"]);
    } finally {
      await notifier.stop();
    }
  });
});
