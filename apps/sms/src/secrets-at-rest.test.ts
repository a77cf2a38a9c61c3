import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keyring, SecretKey } from "@switchboard/core/internal";
import { secretsOnDisk } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "./test/testbed.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "sms-at-rest-")), "sms.sqlite");
const oldKey = randomBytes(32).toString("hex");
const newKey = randomBytes(32).toString("base64");

let bed: SmsTestbed;
beforeAll(async () => {
  bed = await startSmsTestbed(2, { env: { SWITCHBOARD_DB_PATH: dbPath, SWITCHBOARD_SECRET_KEY: oldKey } });
});
afterAll(() => bed.stop());

const authTokens = () => bed.tenants.map((t) => t.account.authToken);

describe("SMS secrets at rest", () => {
  it("keeps the Twilio auth tokens out of the database files", () => {
    expect(authTokens().every((t) => t.length >= 16)).toBe(true);
    expect(secretsOnDisk(dbPath, authTokens())).toEqual([]);
  });

  it("checks webhook signatures with the auth token after a key rotation, re-encrypted with the new key", async () => {
    const restarted = await bed.restart({
      SWITCHBOARD_DB_PATH: dbPath,
      SWITCHBOARD_SECRET_KEY: newKey,
      SWITCHBOARD_SECRET_KEYS_OLD: oldKey,
    });

    const tenant = bed.tenants[1]!;
    const inboundUrl = restarted.runtime.publicUrl(
      `sms/inbound/${(await restarted.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(tenant.ref)))!.publicId}`,
    );
    const params = bed.twilio.inboundParams({
      accountSid: tenant.account.sid,
      from: "+14155550999",
      to: tenant.number.phoneNumber,
      body: "after the rotation",
    });
    const res = await bed.twilio.sendInbound(inboundUrl, params, tenant.account.authToken);
    expect(res.status).toBe(200);
    const got = await bed.crm.waitFor(() => bed.crm.incoming.find((r) => r.body.chat.contact === "+14155550999"));
    expect(got.ref).toEqual(tenant.ref);
    // A wrong token still fails: the stored one was really opened, not skipped.
    expect((await bed.twilio.sendInbound(inboundUrl, params, "x".repeat(32))).status).toBe(403);

    const stored = restarted.runtime.db.$client.prepare(`SELECT data FROM settings`).all() as { data: string }[];
    expect(stored).toHaveLength(2);
    const current = new Keyring(SecretKey.parse(newKey)!);
    for (const { data } of stored) expect(current.isCurrent(data)).toBe(true);
    expect(secretsOnDisk(dbPath, authTokens())).toEqual([]);
  });
});
