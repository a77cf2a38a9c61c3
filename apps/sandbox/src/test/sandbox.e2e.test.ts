/**
 * The sandbox in a real browser: a person writes as a Telegram user, an SMS sender and an email
 * sender, sees each message arrive in the inbox, answers it, sees the answer arrive on the
 * customer's side and the delivery tick move; and talks Telegram ↔ Bitrix24 through the portal's
 * Open Lines chat, the same gateway serving both CRMs. Everything runs for real: the gateways are child
 * processes, the fakes speak HTTP/SMTP, the inbox updates over Server-Sent Events.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { requireSystemProgram } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../sandbox.js";
import { CHROMIUM_PATH, launchChromium } from "./browser.js";
import { makePng } from "./png.js";

/** Screenshots land in the test's output folder (git-ignored). */
const OUTPUT_DIR = fileURLToPath(new URL("../../test-results/sandbox-e2e/", import.meta.url));
/** The README's inbox screenshot, rewritten when SANDBOX_README_SCREENSHOT=1. */
const README_SCREENSHOT = fileURLToPath(new URL("../../docs/inbox.png", import.meta.url));
/** The README's Bitrix24 portal screenshot, rewritten likewise. */
const README_PORTAL_SCREENSHOT = fileURLToPath(new URL("../../docs/bitrix24.png", import.meta.url));

/** Opens a chat in the inbox by the customer's name and channel. */
async function openChat(channel: string, name: string): Promise<void> {
  await inbox.locator(`.chat-button[data-channel="${channel}"]`, { hasText: name }).click();
  await inbox.locator("#conversation-title", { hasText: name }).waitFor();
}

/** Answers in the open chat and waits for the answer's tick to reach `status`. */
async function answer(
  text: string,
  format: "text" | "markdown" | "html",
  status: string,
  visibleText: string,
): Promise<void> {
  await inbox.locator("#composer-format").selectOption(format);
  await inbox.locator("#composer-text").fill(text);
  await inbox.getByRole("button", { name: "Send", exact: true }).click();
  await inbox.locator(`.msg.out[data-status="${status}"]`, { hasText: visibleText }).waitFor();
}

/** Runs in the page: the image inside the element matching `selector` and `text` has loaded at `width`. */
function imageLoaded({ selector, text, width }: { selector: string; text: string; width: number }): boolean {
  const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<any> } }).document;
  const item = [...doc.querySelectorAll(selector)].find((node) => String(node.textContent).includes(text));
  const img = item?.querySelector("img");
  return Boolean(img?.complete && img.naturalWidth === width);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`) });
}

let sandbox: Sandbox;
let browser: Browser;
let context: BrowserContext;
let inbox: Page;
let dataDir: string;

/** Outside CI, a machine without Chromium skips this file with one line; on CI it fails. */
const chromiumPath = requireSystemProgram({
  name: "Chromium",
  candidates: [process.env.SANDBOX_CHROMIUM ?? CHROMIUM_PATH],
  neededBy: "the sandbox browser test",
  install: "apt-get install chromium",
});

describe.skipIf(chromiumPath === undefined)("the sandbox in a browser", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "sandbox-e2e-"));
    sandbox = await startSandbox(
      { port: 0, gatewayPorts: new Map(), dataDir, logLevel: "error" },
      { inherited: process.env },
    );
    browser = await launchChromium(chromiumPath);
    context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    context.setDefaultTimeout(30_000);
    inbox = await context.newPage();
    await inbox.goto(sandbox.url);
    await inbox.getByRole("heading", { name: "Chats" }).waitFor();
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await sandbox?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("serves every page and lists every channel's protocol calls (registration and settings)", async () => {
    for (const kind of ["registration", "settings-put"]) {
      for (const channel of ["telegram", "sms", "email", "echo"]) {
        await inbox
          .locator(`.event[data-kind="${kind}"][data-channel="${channel}"]`)
          .first()
          .waitFor({ state: "attached" });
      }
    }
    expect(await inbox.locator("#no-chats").isVisible()).toBe(true);
  });

  it("Telegram: the customer writes, the inbox answers in markdown, the bot's message arrives formatted and the tick turns to sent", async () => {
    const customer = await context.newPage();
    await customer.goto(`${sandbox.url}customer/telegram`);
    await customer.getByRole("textbox", { name: "Message", exact: true }).fill("Hi! Where is my order #1042?");
    await customer.getByRole("button", { name: "Send", exact: true }).click();
    await customer.locator('.bubble[data-from="customer"]', { hasText: "order #1042" }).waitFor();

    // Live: no reload; the chat appears with its unread count.
    const chat = inbox.locator('.chat-button[data-channel="telegram"]', { hasText: "Ann Lee" });
    await chat.locator(".unread", { hasText: "1" }).waitFor();
    await openChat("telegram", "Ann Lee");
    await inbox.locator(".msg.in", { hasText: "Where is my order #1042?" }).waitFor();
    await answer("It ships **today**, tracking follows.", "markdown", "sent", "tracking follows");

    const reply = customer.locator('.bubble[data-from="bot"]', { hasText: "It ships today, tracking follows." });
    await reply.waitFor();
    expect(await reply.locator("strong").textContent()).toBe("today");

    // A photo from the customer reaches the inbox as an image the browser loads from the gateway.
    await customer.locator("#file").setInputFiles({
      name: "box.png",
      mimeType: "image/png",
      buffer: makePng(64, 48, [200, 90, 40], [250, 200, 120]),
    });
    await customer.getByRole("textbox", { name: "Message" }).fill("The box arrived dented");
    await customer.getByRole("button", { name: "Send", exact: true }).click();
    await inbox.locator(".msg.in", { hasText: "arrived dented" }).locator("img").waitFor();
    await inbox.waitForFunction(imageLoaded, { selector: ".msg.in", text: "arrived dented", width: 64 });

    // And a picture from the inbox reaches the Telegram window as a photo with its caption.
    await inbox.locator("#composer-files").setInputFiles({
      name: "label.png",
      mimeType: "image/png",
      buffer: makePng(80, 60, [40, 90, 200], [120, 200, 250]),
    });
    await answer("Sorry! Here is a return label.", "text", "sent", "return label");
    await customer.locator('.bubble[data-from="bot"]', { hasText: "return label" }).locator("img").waitFor();
    await customer.waitForFunction(imageLoaded, {
      selector: '.bubble[data-from="bot"]',
      text: "return label",
      width: 80,
    });
    await inbox.locator('.event[data-kind="incoming"][data-channel="telegram"]').first().waitFor({ state: "attached" });
    await shot(customer, "telegram-customer");
    await customer.close();
  });

  it("Telegram ↔ Bitrix24: the customer writes to the portal's bot, the operator answers in the Open Lines chat, the customer sees it and replies, the reply reaches the portal", async () => {
    const portal = await context.newPage();
    await portal.goto(`${sandbox.url}bitrix24`);
    await portal.locator("#portal-state dd.ok", { hasText: "yes" }).first().waitFor();
    const customer = await context.newPage();
    await customer.goto(`${sandbox.url}customer/telegram?tgBot=bitrix24&tgUser=5550009&tgName=Dana%20Kim`);
    await customer.locator("#bot-username", { hasText: "sandbox_portal_bot" }).waitFor();
    await customer
      .getByRole("textbox", { name: "Message", exact: true })
      .fill("Hello Bitrix24, is my parcel on its way?");
    await customer.getByRole("button", { name: "Send", exact: true }).click();

    // The gateway's Bitrix24 host opens an Open Lines chat with imconnector.send.messages.
    // The host names the chat by the customer's contact (the channel gives no more).
    await portal.locator('.chat-button[data-channel="telegram"]', { hasText: "tg://user?id=5550009" }).click();
    await portal.locator(".msg.in", { hasText: "is my parcel on its way?" }).waitFor();
    await portal.locator("#composer-text").fill("It left the warehouse [b]today[/b]");
    await portal.getByRole("button", { name: "Send", exact: true }).click();
    await portal.locator(".msg.out", { hasText: "left the warehouse" }).waitFor();

    const answer = customer.locator('.bubble[data-from="bot"]', { hasText: "It left the warehouse today" });
    await answer.waitFor();
    expect(await answer.locator("strong", { hasText: "today" }).count()).toBe(1);
    // Telegram took it: the host marks the operator's message delivered (send.status.delivery).
    await portal.locator('.msg.out[data-status="delivered"]', { hasText: "left the warehouse" }).waitFor();

    await customer.getByRole("textbox", { name: "Message", exact: true }).fill("Great, thank you!");
    await customer.getByRole("button", { name: "Send", exact: true }).click();
    await portal.locator(".msg.in", { hasText: "Great, thank you!" }).waitFor();

    // The connector's settings slider shows the gateway's page for the line, which keeps the saved token.
    await portal.getByRole("button", { name: "Open settings" }).click();
    await portal.frameLocator("#slider-frame").locator('form button[type="submit"]').waitFor();
    await portal.frameLocator("#slider-frame").getByText("Registered").waitFor();
    await shot(portal, "bitrix24-portal");
    if (process.env.SANDBOX_README_SCREENSHOT === "1") await portal.screenshot({ path: README_PORTAL_SCREENSHOT });
    await shot(customer, "telegram-bitrix24-customer");
    await customer.close();
    await portal.close();
  });

  it("SMS: the customer texts, the inbox answers, the text reaches the phone and moves to delivered when the carrier says so", async () => {
    const phone = await context.newPage();
    await phone.goto(`${sandbox.url}customer/sms`);
    await phone.getByRole("textbox", { name: "Text message" }).fill("Can I change the delivery address?");
    await phone.getByRole("button", { name: "Send", exact: true }).click();

    await openChat("sms", "Bob Stone");
    await inbox.locator(".msg.in", { hasText: "change the delivery address" }).waitFor();
    await answer("Sure, reply with the new address.", "text", "sent", "reply with the new address");

    const text = phone.locator('.bubble[data-from="company"]', { hasText: "Sure, reply with the new address." });
    await text.waitFor();
    await text.getByRole("button", { name: "Mark delivered" }).click();
    await phone.locator('.bubble[data-from="company"][data-status="delivered"]').waitFor();
    await inbox.locator('.msg.out[data-status="delivered"]', { hasText: "reply with the new address" }).waitFor();
    await shot(phone, "sms-customer");
    await phone.close();
  });

  it("email: the customer mails, the inbox answers in the thread, the reply arrives with Re: subject, the tick turns to sent, then delivered", async () => {
    const mail = await context.newPage();
    await mail.goto(`${sandbox.url}customer/email`);
    await mail.getByLabel("Subject").fill("Invoice for order 1042");
    await mail.getByRole("textbox", { name: "Message", exact: true }).fill("Could you send me the invoice, please?");
    await mail.getByRole("button", { name: "Send", exact: true }).click();

    await openChat("email", "Cleo Park");
    await inbox.locator(".msg.in", { hasText: "send me the invoice" }).waitFor();
    expect(await inbox.locator("#conversation-meta").textContent()).toContain("Invoice for order 1042");
    await answer("<p>Here it is: <b>INV-1042</b>.</p>", "html", "sent", "INV-1042");

    const thread = mail.locator(".thread", { hasText: "Invoice for order 1042" });
    const reply = thread.locator('.mail-item[data-from="company"]', { hasText: "INV-1042" });
    await reply.waitFor();
    expect(await reply.locator(".mail-subject").textContent()).toBe("Re: Invoice for order 1042");
    expect(await reply.locator(".mail-body strong").textContent()).toBe("INV-1042");

    // The customer's mail server reports the delivery (a DSN to the gateway's inbound server).
    await reply.getByRole("button", { name: "Report delivered" }).click();
    await thread.locator('.mail-item[data-from="company"][data-delivery="delivered"]').waitFor();
    await inbox.locator('.msg.out[data-status="delivered"]', { hasText: "INV-1042" }).waitFor();
    await shot(mail, "email-customer");
    await mail.close();
  });

  it("Echo (declared in its own package): the customer writes on the shared chat page, the inbox answers, the answer reaches the fake channel and the tick follows its status webhooks", async () => {
    const customer = await context.newPage();
    await customer.goto(`${sandbox.url}customer/echo`);
    await customer.locator("#channel-label", { hasText: "Echo" }).waitFor();
    await customer.getByRole("textbox", { name: "Message", exact: true }).fill("Do you ship to Oslo?");
    await customer.getByRole("button", { name: "Send", exact: true }).click();
    await customer.locator('.bubble[data-from="customer"]', { hasText: "ship to Oslo" }).waitFor();

    await openChat("echo", "Eve Moss");
    await inbox.locator(".msg.in", { hasText: "Do you ship to Oslo?" }).waitFor();
    await answer("Yes, in 3 days.", "text", "sent", "in 3 days");

    const reply = customer.locator('.bubble[data-from="company"]', { hasText: "Yes, in 3 days." });
    await reply.waitFor();
    await reply.getByRole("button", { name: "Mark delivered" }).click();
    await customer.locator('.bubble[data-from="company"][data-status="delivered"]').waitFor();
    await inbox.locator('.msg.out[data-status="delivered"]', { hasText: "in 3 days" }).waitFor();
    await shot(customer, "echo-customer");
    await customer.close();
  });

  it("shows every channel's conversation in the inbox (the README's screenshot)", async () => {
    for (const channel of ["telegram", "sms", "email", "echo"])
      await inbox.locator(`.chat-button[data-channel="${channel}"]`).waitFor();
    await openChat("telegram", "Ann Lee");
    await inbox.locator('.event[data-kind="incoming"][data-channel="telegram"] summary').first().click();
    await inbox.locator("#composer-format").selectOption("markdown");
    await shot(inbox, "inbox");
    if (process.env.SANDBOX_README_SCREENSHOT === "1") await inbox.screenshot({ path: README_SCREENSHOT });
  });
});
