import { afterAll, beforeAll, expect, it } from "vitest";
import { startSmsTestbed, type SmsTestbed } from "../test/testbed.js";

let bed: SmsTestbed;
beforeAll(async () => {
  bed = await startSmsTestbed(1);
});
afterAll(() => bed.stop());

const NAMES = ["setup", "constructor", "__proto__", "hasOwnProperty", "valueOf", "toString", "nope"];

it("no preview name, with or without the settings claim, shows the Twilio auth token", async () => {
  const answers: string[] = [];
  for (const settings of [true, false]) {
    const token = bed.crm.pluginToken(bed.url, bed.tenants[0]!.ref, { settings });
    for (const name of NAMES) {
      const res = await fetch(`${bed.url}protected/preview/markdown/${name}`, { headers: { "x-plugin-token": token } });
      const text = await res.text();
      expect(res.status, `${name}: ${text}`).toBe(name === "setup" ? 200 : 404);
      answers.push(text);
    }
  }
  expect(JSON.parse(answers[0]!).markdown).toContain(bed.inboundUrl(0));
  expect(answers.join("\n")).not.toContain(bed.tenants[0]!.account.authToken);
});
