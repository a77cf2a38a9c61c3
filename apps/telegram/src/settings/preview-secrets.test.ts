import { afterAll, beforeAll, expect, it } from "vitest";
import { startTelegramStack, TENANTS, TOKENS, type TelegramStack } from "../test/stack.js";

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack();
});
afterAll(() => stack.close());

const NAMES = ["connection", "constructor", "__proto__", "hasOwnProperty", "valueOf", "toString", "nope"];

it("no preview name, with or without the settings claim, shows a bot token", async () => {
  const answers: string[] = [];
  for (const settings of [true, false]) {
    const token = stack.crm.pluginToken(stack.url, TENANTS[0], { settings });
    for (const name of NAMES) {
      const res = await fetch(`${stack.url}protected/preview/markdown/${name}`, {
        headers: { "x-plugin-token": token },
      });
      const text = await res.text();
      expect(res.status, `${name}: ${text}`).toBe(name === "connection" ? 200 : 404);
      answers.push(text);
    }
  }
  expect(JSON.parse(answers[0]!).markdown).toContain("Webhook points to this plugin");
  for (const token of TOKENS) {
    expect(answers.join("\n")).not.toContain(token.split(":")[1]);
  }
});
