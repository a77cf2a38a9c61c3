import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestbed, TENANTS, type Testbed } from "../test/testbed.js";

let bed: Testbed;
beforeAll(async () => {
  bed = await startTestbed();
});
afterAll(() => bed.stop());

const NAMES = ["inbound", "constructor", "__proto__", "hasOwnProperty", "valueOf", "toString", "nope"];

const preview = async (name: string, settings: boolean) => {
  const token = bed.crm.pluginToken(bed.gateway.url, TENANTS[0], { settings });
  const res = await fetch(`${bed.gateway.url}protected/preview/markdown/${name}`, {
    headers: { "x-plugin-token": token },
  });
  return { status: res.status, text: await res.text() };
};

it("no preview name shows the SMTP password; the inbound webhook URL needs the settings claim", async () => {
  const answers: string[] = [];
  for (const settings of [true, false]) {
    for (const name of NAMES) {
      const { status, text } = await preview(name, settings);
      const expected = name !== "inbound" ? 404 : settings ? 200 : 403;
      expect(status, `${name}: ${text}`).toBe(expected);
      answers.push(text);
    }
  }
  const everything = answers.join("\n");
  expect(everything).not.toContain("pass-a");
  // The webhook token: shown to a settings admin, who pastes the URL into a provider; to nobody else.
  const withClaim = (await preview("inbound", true)).text;
  const webhookToken = /email\/inbound\/([\w-]+)/.exec(withClaim)![1]!;
  const withoutClaim = (await preview("inbound", false)).text;
  expect(JSON.parse(withoutClaim)).toEqual({ code: 403, message: "Access to settings is not allowed" });
  expect(answers.slice(NAMES.length).join("\n")).not.toContain(webhookToken);
});
