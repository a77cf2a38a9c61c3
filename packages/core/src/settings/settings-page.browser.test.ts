/**
 * The settings page in a real browser (Debian's Chromium), framed by a "portal" on another origin
 * as Bitrix24's slider frames it: the page's policy lets its style and its POST through, a person
 * fills it in without JavaScript, and what the browser posts comes back as the saved settings.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { requireSystemProgram, waitFor } from "@switchboard/testkit";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { everyFieldData, everyFieldForm } from "../test/every-field-form.js";
import type { SettingsData } from "./form.js";
import { settingsPageHeaders } from "./page-headers.js";
import { parseSettingsForm } from "./parse-page-form.js";
import { renderSettingsPage } from "./settings-page.js";
import { checkSettings } from "./validate.js";

const chromiumPath = requireSystemProgram({
  name: "Chromium",
  candidates: ["/usr/bin/chromium"],
  neededBy: "core's settings page browser test",
  install: "apt-get install chromium",
});

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function framing(src: string): string {
  return `<!DOCTYPE html><html><head><title>portal</title></head><body><iframe src="${src}" width="600" height="2400"></iframe></body></html>`;
}

describe.skipIf(chromiumPath === undefined)("the settings page in Chromium", { timeout: 60_000 }, () => {
  let browser: Browser;
  let gateway: { server: Server; origin: string };
  let portal: { server: Server; origin: string };
  let stranger: { server: Server; origin: string };
  let stored: SettingsData = everyFieldData;
  const posts: string[] = [];

  beforeAll(async () => {
    portal = await serve((req, _body, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(framing(`${gateway.origin}/settings`));
    });
    stranger = await serve((req, _body, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(framing(`${gateway.origin}/settings`));
    });
    gateway = await serve((req, body, res) => {
      let errors;
      let notice;
      let submitted;
      if (req.method === "POST") {
        posts.push(body);
        submitted = parseSettingsForm(everyFieldForm, new URLSearchParams(body));
        const checked = checkSettings(everyFieldForm, submitted, stored, "ru_RU");
        if (checked.ok) stored = checked.data;
        else errors = checked.errors;
        notice = checked.ok ? { ok: true, text: "Сохранено" } : undefined;
      }
      const html = renderSettingsPage({
        form: everyFieldForm,
        data: stored,
        submitted: errors ? submitted : undefined,
        errors,
        notice,
        language: "ru_RU",
        action: "/settings",
        hidden: { member_id: "m-1" },
      });
      res.writeHead(200, settingsPageHeaders({ frameAncestors: [portal.origin] })).end(html);
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
      headless: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of [gateway, portal, stranger]) await new Promise((resolve) => s?.server.close(resolve));
  });

  async function open(origin: string): Promise<{ page: Page; frame: Frame; violations: string[] }> {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 700, height: 900 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(origin);
    const frame = await (await page.waitForSelector("iframe")).contentFrame();
    return { page, frame: frame!, violations };
  }

  it("is drawn styled inside the portal's frame, and saves what a person enters without JavaScript", async () => {
    const { page, frame, violations } = await open(portal.origin);
    await frame.waitForSelector("form");
    // The inline stylesheet applies under the page's policy.
    const button = frame.locator("button[type=submit]");
    // A string, because core's types have no DOM: the browser evaluates it.
    const buttonColour = "getComputedStyle(document.querySelector('button[type=submit]')).backgroundColor";
    expect(await frame.evaluate(buttonColour)).toBe("rgb(47, 128, 237)");
    expect(await button.textContent()).toBe("Подключить");
    expect(await frame.locator('input[name="settings[account][apiKey]"]').inputValue()).toBe("");

    await frame.fill('input[name="settings[account][name]"]', "Лавка «Ромашка»");
    await frame.fill('textarea[name="settings[account][notes]"]', "строка один\nстрока два");
    await frame.fill('input[name="settings[account][spare]"]', "spare & <key>");
    await frame.uncheck('input[name="settings[account][enabled]"]');
    await frame.fill('input[name="settings[account][retries]"]', "9");
    await frame.fill('input[name="settings[account][ratio]"]', "0.75");
    await frame.check('input[name="settings[routing][channels][]"][value="sms"]');
    await frame.uncheck('input[name="settings[routing][channels][]"][value="other"]');
    await frame.fill('input[name="settings[routing][tags]"]', "vip, постоянный");
    await frame.check('input[name="settings[routing][loud]"]');
    await Promise.all([frame.waitForNavigation(), button.click()]);

    await frame.waitForSelector(".notice.ok");
    expect(await frame.locator(".notice.ok").textContent()).toBe("Сохранено");
    expect(new URLSearchParams(posts.at(-1)).get("member_id")).toBe("m-1");
    expect(stored).toEqual({
      account: {
        name: "Лавка «Ромашка»",
        notes: "строка один\nстрока два",
        apiKey: everyFieldData.account!.apiKey, // left empty: kept
        spare: "spare & <key>",
        enabled: false,
        retries: 9,
        ratio: 0.75,
        signature: everyFieldData.account!.signature,
      },
      routing: { channels: ["sms", "voice"], tags: ["vip", "постоянный"], loud: true },
    });
    // Saved again, the page still shows no password, only that both are set.
    expect(await frame.content()).not.toContain("spare &amp; &lt;key&gt;");
    expect(await frame.locator(".hint", { hasText: "Сохранён" }).count()).toBe(2);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it("shows a refused value with its message next to the field, as typed", async () => {
    const { page, frame } = await open(portal.origin);
    await frame.fill('input[name="settings[account][name]"]', "   ");
    await frame.fill('input[name="settings[account][retries]"]', "12");
    await Promise.all([frame.waitForNavigation(), frame.locator("button[type=submit]").click()]);
    expect(await frame.locator('input[name="settings[account][retries]"]').inputValue()).toBe("12");
    const field = frame.locator(".field.invalid");
    await field.first().waitFor();
    expect(await field.count()).toBe(1);
    expect(await field.locator(".errors").textContent()).toBe("Поле обязательно для заполнения");
    expect(await field.locator("input").getAttribute("name")).toBe("settings[account][name]");
    await page.context().close();
  });

  it("refuses to be framed by an origin it was not told", async () => {
    const { page, frame, violations } = await open(stranger.origin);
    await waitFor(() => violations.some((text) => text.includes("frame-ancestors")), 30_000);
    expect(await frame.$("form")).toBeNull();
    await page.context().close();
  });
});
