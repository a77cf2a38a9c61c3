/**
 * The Bitrix24 view in a real browser, against a real fake Bitrix24 with the test playing our app
 * (test/app-player), so it needs no gateway: a customer's Open Lines chat appears live with its
 * BB-codes drawn, the operator answers from the composer (the app receives the signed event), the
 * delivered mark and the app's notice arrive live, and the settings slider opens in its frame,
 * is filled in and saved back to the app through the portal's placement, with no policy violation.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireSystemProgram, waitFor } from "@switchboard/testkit";
import { parseBracketForm, startFakeBitrix24, type FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import { Hono } from "hono";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UploadStore } from "../files/upload-store.js";
import { OpenLines } from "../portal/open-lines.js";
import { LiveHub, liveStream } from "../web/live-hub.js";
import { listen, type Listening } from "../web/listen.js";
import { addPortalRoutes } from "../web/portal-routes.js";
import { problemResponse } from "../web/problems.js";
import { addStaticRoutes } from "../web/static-routes.js";
import { startAppPlayer, type AppPlayer } from "./app-player.js";
import { CHROMIUM_PATH, launchChromium } from "./browser.js";

const chromiumPath = requireSystemProgram({
  name: "Chromium",
  candidates: [process.env.SANDBOX_CHROMIUM ?? CHROMIUM_PATH],
  neededBy: "the sandbox's Bitrix24 view browser test",
  install: "apt-get install chromium",
});

/** Screenshots land in the test's output folder (git-ignored). */
const OUTPUT_DIR = fileURLToPath(new URL("../../test-results/sandbox-e2e/", import.meta.url));

let fake: FakeBitrix24;
let appSide: AppPlayer;
let openLines: OpenLines;
let server: Listening;
let browser: Browser;
let page: Page;
const violations: string[] = [];

describe.skipIf(chromiumPath === undefined)("the Bitrix24 view in a browser", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    fake = await startFakeBitrix24({ portal: { lines: [1], languageId: "en" } });
    appSide = await startAppPlayer(fake);
    const hub = new LiveHub();
    openLines = new OpenLines({
      fake,
      operatorName: "Olga Petrova",
      onChat: (chatId) => hub.publish("bitrix24", { chatId }),
      onPortal: () => hub.publish("portal", {}),
    });
    const app = new Hono();
    addStaticRoutes(app, []);
    addPortalRoutes(app, { openLines, portal: fake.portal, uploads: new UploadStore() });
    app.get("/api/live", liveStream(hub));
    app.onError((error, c) => problemResponse(error, c));
    server = await listen(app, 0, "the test's port");
    browser = await launchChromium(chromiumPath);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy|Refused/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`http://localhost:${server.port}/bitrix24`);
    await page.getByRole("heading", { name: "Open Lines", exact: true }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    openLines?.close();
    await server?.close();
    await appSide?.close();
    await fake?.close();
  }, 30_000);

  it("shows the customer's chat live, and the operator's answer reaches the app signed, then turns delivered", async () => {
    await page.locator("#slider-note", { hasText: "not installed" }).waitFor();
    await appSide.connect(1);
    await appSide.bind("ONIMCONNECTORMESSAGEADD");
    await page.locator("#portal-state dd.ok", { hasText: "yes" }).first().waitFor();
    await page.locator('#call-list .event[data-name="imconnector.register"]').waitFor();
    await page.locator('#call-list .event[data-name="ONAPPINSTALL"]').waitFor();
    await appSide.rest("imconnector.send.messages", {
      CONNECTOR: appSide.connector,
      LINE: 1,
      MESSAGES: [
        {
          user: { id: "5550001", name: "Ann", last_name: "Lee" },
          message: { id: "u1", text: "Where is my [b]order[/b]? [\u200bi]not markup[/i]" },
          chat: { id: "5550001" },
        },
      ],
    });
    const chat = page.locator('.chat-button[data-channel="telegram"]', { hasText: "Ann Lee" });
    await chat.click();
    await page.locator("#conversation-title", { hasText: "Ann Lee" }).waitFor();
    const incoming = page.locator(".msg.in", { hasText: "Where is my" });
    expect(await incoming.locator("strong").textContent()).toBe("order");
    expect(await incoming.locator("em").count()).toBe(0);

    await page.locator("#composer-text").fill("It ships [i]today[/i]");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    const answer = page.locator('.msg.out[data-status="sent"]', { hasText: "It ships" });
    await answer.waitFor();
    expect([await answer.locator("strong").textContent(), await answer.locator("em").textContent()]).toEqual([
      "Olga Petrova:",
      "today",
    ]);
    const event = appSide.posts.find((p) => p.path === "/bitrix24/events")!;
    const sent = (parseBracketForm(event.raw) as any).data.MESSAGES[0];
    expect(sent.message.text).toBe("[b]Olga Petrova:[/b][br]It ships [i]today[/i]");

    await appSide.rest("imconnector.send.status.delivery", {
      CONNECTOR: appSide.connector,
      LINE: 1,
      MESSAGES: [{ im: sent.im, message: { id: ["77"] }, chat: { id: "5550001" } }],
    });
    await page.locator('.msg.out[data-status="delivered"]', { hasText: "It ships" }).waitFor();
    await appSide.rest("im.message.add", {
      DIALOG_ID: `chat${sent.im.chat_id}`,
      MESSAGE: "[b]Not delivered to the customer:[/b] the bot was blocked",
      SYSTEM: "Y",
    });
    await page.locator(".notice", { hasText: "the bot was blocked" }).waitFor();
    await page.locator('#call-list .event[data-name="im.message.add"]').waitFor();
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, "bitrix24-portal-calls.png") });
  });

  it("opens the connector's settings page in the slider and saves its form back to the app", async () => {
    await page.getByRole("button", { name: "Open settings" }).click();
    const frame = page.frameLocator("#slider-frame");
    await frame.getByText("Settings", { exact: true }).waitFor();
    await frame.getByLabel("Bot token").fill("123:abc");
    await frame.getByRole("button", { name: "Save" }).click();
    await frame.getByText("Saved", { exact: true }).waitFor();
    const save = await waitFor(() => appSide.posts.find((p) => p.body.get("main.botToken") === "123:abc"));
    expect([save.path, save.body.get("PLACEMENT"), save.body.get("token")]).toEqual([
      "/bitrix24/settings",
      "SETTING_CONNECTOR",
      "t&1",
    ]);
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(OUTPUT_DIR, "bitrix24-portal.png") });
  });
});
