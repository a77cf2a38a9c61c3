import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@switchboard/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "../db/migrations.js";
import { sentDetails, startSmsTestbed, type SmsTestbed } from "../test/testbed.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "sms-split-restart-")), "sms.sqlite");
const secretKey = randomBytes(32).toString("hex");
const HOUR_MS = String(3600 * 1000);

let bed: SmsTestbed;
beforeAll(async () => {
  // Retries an hour away: the first process never retries before it stops.
  bed = await startSmsTestbed(1, {
    env: {
      SWITCHBOARD_DB_PATH: dbPath,
      SWITCHBOARD_SECRET_KEY: secretKey,
      SWITCHBOARD_RETRY_BASE_MS: HOUR_MS,
      SWITCHBOARD_RETRY_MAX_MS: HOUR_MS,
    },
  });
});
afterAll(() => bed.stop());

describe("a split text across a restart", () => {
  it("is finished by the next process without creating the part Twilio already took", async () => {
    const to = "+14155550177";
    const createsTo = () =>
      bed.twilio
        .messageCreates()
        .filter((r) => r.form.get("To") === to)
        .map((r) => `${r.form.get("Body")?.[0]}:${r.status}`);
    bed.twilio.failNext({ status: 500, code: 20500, skip: 1 });
    const id = await bed.sendText(0, to, "p".repeat(1500) + "\n\n" + "q".repeat(1500));
    const row = () =>
      bed.gateway.runtime.db.$client
        .prepare(`SELECT state, attempts FROM outgoing WHERE crm_message_id = ?`)
        .get(id) as { state: string; attempts: number } | undefined;
    await bed.crm.waitFor(() => row()?.state === "queued" && row()?.attempts === 1);
    expect(createsTo()).toEqual(["p:201", "q:500"]);
    const restarted = await bed.restart({ SWITCHBOARD_DB_PATH: dbPath, SWITCHBOARD_SECRET_KEY: secretKey }, () => {
      // The hour passes while the gateway is down.
      const db = openDatabase(dbPath, { gatewayMigrations: MIGRATIONS_FOLDER, gatewayName: "sms" });
      db.$client.prepare(`UPDATE outgoing SET next_attempt_at = 0 WHERE crm_message_id = ?`).run(id);
      db.$client.close();
    });
    await bed.waitStatus(id, "sent");
    expect(createsTo()).toEqual(["p:201", "q:500", "q:201"]);
    expect(bed.crm.statusesOf(id)).toEqual(["sent"]);
    expect(sentDetails({ ...bed, gateway: restarted }, id)).toMatchObject({ messages: 2 });
  });
});
