import { salesrender } from "@switchboard/host-salesrender";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type GatewayHandle } from "@switchboard/core";
import { Keyring, openDatabase, SecretKey } from "@switchboard/core/internal";
import { secretsOnDisk } from "@switchboard/testkit";
import { conformanceEnv } from "@switchboard/testkit/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { email } from "./gateway.js";
import { INBOUND_ROUTE_PREFIX } from "./webhook/inbound-webhook.js";
import { INBOUND_PREVIEWER } from "./settings/form.js";
import { CUSTOMER, INBOUND, startTestbed, TENANTS, type Testbed } from "./test/testbed.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "email-at-rest-")), "email.sqlite");
const oldKey = randomBytes(32).toString("base64");
const newKey = randomBytes(32).toString("base64");

let bed: Testbed;
let restarted: GatewayHandle | undefined;
let inboundToken: string;
beforeAll(async () => {
  bed = await startTestbed({ env: { SWITCHBOARD_DB_PATH: dbPath, SWITCHBOARD_SECRET_KEY: oldKey } });
  const res = await bed.crm.request(
    bed.gateway.url,
    TENANTS[0],
    "GET",
    `protected/preview/markdown/${INBOUND_PREVIEWER}`,
  );
  const token = new RegExp(`${INBOUND_ROUTE_PREFIX}([\\w-]+)`).exec(await res.text())?.[1];
  if (!token) throw new Error("the inbound preview shows no webhook token");
  inboundToken = token;
});
afterAll(async () => {
  await restarted?.stop();
  await bed.stop();
});

/** A raw message from the customer to company A's inbound address. */
function rawMail(text: string): string {
  return [
    `From: ${CUSTOMER}`,
    `To: ${INBOUND[0]}`,
    `Subject: at rest`,
    `Message-ID: <${randomBytes(8).toString("hex")}@example.org>`,
    "",
    text,
    "",
  ].join("\r\n");
}

describe("email secrets at rest", () => {
  it("keeps SMTP passwords and the inbound webhook token out of the database files", () => {
    expect(inboundToken.length).toBeGreaterThan(20);
    expect(secretsOnDisk(dbPath, ["pass-a", "pass-b", inboundToken])).toEqual([]);
  });

  it("after a key rotation (and from a token stored in plain text before), still finds the tenant by its webhook token", async () => {
    const port = bed.gateway.port;
    await bed.gateway.stop();
    // As an older version stored it: the token in plain text, no hash.
    const legacy = openDatabase(dbPath);
    legacy.$client.prepare(`UPDATE email_inbound_tokens SET token = ?, token_hash = NULL`).run(inboundToken);
    legacy.$client.close();
    expect(secretsOnDisk(dbPath, [inboundToken])).toEqual([inboundToken]);

    restarted = await startGateway(email, {
      hosts: [salesrender],
      env: {
        ...conformanceEnv(bed.crm),
        SWITCHBOARD_DB_PATH: dbPath,
        SWITCHBOARD_SECRET_KEY: newKey,
        SWITCHBOARD_SECRET_KEYS_OLD: oldKey,
      },
      gatewayEnv: { inbound: { port: 0, host: "127.0.0.1", maxBytes: 1_048_576 } },
      port,
    });
    // Kept-alive sockets to the stopped process fail once each; use them up first.
    await bed.crm.waitFor(async () => (await fetch(`${restarted!.url}healthz`).catch(() => undefined))?.ok);

    const res = await fetch(restarted.url + INBOUND_ROUTE_PREFIX + inboundToken, {
      method: "POST",
      headers: { "content-type": "message/rfc822" },
      body: rawMail("after the rotation"),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: "forwarded" });
    await bed.crm.waitFor(() =>
      bed.crm.incoming.some((r) => r.body.message.content?.text?.includes("after the rotation")),
    );
    expect(bed.crm.incoming.at(-1)?.ref).toEqual(TENANTS[0]);

    const sqlite = restarted.runtime.db.$client;
    const stored = [
      ...sqlite.prepare(`SELECT token AS v FROM email_inbound_tokens`).all(),
      ...sqlite.prepare(`SELECT data AS v FROM settings`).all(),
    ].map((r) => (r as { v: string }).v);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const current = new Keyring(SecretKey.parse(newKey)!);
    for (const value of stored) expect(current.isCurrent(value)).toBe(true);
    expect(secretsOnDisk(dbPath, ["pass-a", "pass-b", inboundToken])).toEqual([]);
  });
});
