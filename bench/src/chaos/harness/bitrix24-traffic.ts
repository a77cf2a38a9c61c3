/**
 * Traffic both ways through the Bitrix24 chaos stack, and the checks that nothing was lost:
 * customers write to each line's bot (→ `imconnector.send.messages` into the line's chat),
 * operators answer in those chats (→ the bot's sendMessage → `imconnector.send.status.delivery`),
 * and the SalesRender tenant keeps talking beside them. Every text carries a marker `[[…]]`.
 */
import { waitFor } from "@switchboard/testkit";
import { expect } from "vitest";
import { telegramUpdate } from "../../load/load-spec.js";
import { DbProbe } from "../../queue/db-probe.js";
import type { Bitrix24ChaosStack, ChaosLine } from "./bitrix24-stack.js";
import { crmSend, messageBody } from "./chaos-stack.js";
import { markerOf, postUpdate } from "./webhook.js";

/** One customer of one line: a Telegram user writing to the line's bot. */
interface Chat {
  line: ChaosLine;
  name: string;
  telegramId: number;
  /** The external chat id the host gave the line chat (`chat.id` of send.messages). */
  contact?: string;
  /** Markers the customer wrote, in the order the gateway accepted them. */
  sent: string[];
}

/** One operator reply. */
interface Reply {
  line: ChaosLine;
  marker: string;
  imMessageId: number;
}

// U+200B: the host escapes a customer's `[` before a letter with it, so `[[m]]` reads `[[\u200bm]]`.
const unescaped = (text: string | undefined) => (text ?? "").replace(/\u200b/g, "");

/** The traffic of one scenario. */
export class Bitrix24Traffic {
  readonly chats: Chat[] = [];
  readonly replies: Reply[] = [];
  /** SalesRender side: markers the CRM sent and the bench bot's customers wrote. */
  readonly salesrenderOut: string[] = [];
  readonly salesrenderIn: string[] = [];
  private updateId = 1;

  constructor(
    private readonly s: Bitrix24ChaosStack,
    chatsPerLine: number,
  ) {
    for (const [l, line] of s.lines.entries())
      for (let c = 0; c < chatsPerLine; c++)
        this.chats.push({ line, name: `${line.name}c${c}`, telegramId: 50_000 + l * 100 + c, sent: [] });
  }

  /** Every customer writes one message (chats side by side); each must be accepted with 200. */
  async customersWrite(round: number): Promise<void> {
    await Promise.all(
      this.chats.map(async (chat) => {
        const marker = `${chat.name}k${round}`;
        const status = await this.postToBot(chat.line.botToken, chat.telegramId, marker);
        expect(status, `the webhook for ${marker}`).toBe(200);
        chat.sent.push(marker);
      }),
    );
  }

  /** Waits until the first message of every chat reached its line, and learns each chat's external id. */
  async learnContacts(): Promise<void> {
    await waitFor(() => this.chats.every((chat) => this.arrived(chat).length > 0), { timeoutMs: 60_000 });
    for (const chat of this.chats) {
      const first = chat.line.portal
        .messages({ line: chat.line.line })
        .find((m) => markerOf(unescaped(m.text))?.startsWith(`${chat.name}k`));
      chat.contact = first!.chatId;
    }
  }

  /** An operator answers in every chat; the portal's event must be answered 200 at once. */
  async operatorsAnswer(round: number): Promise<void> {
    await Promise.all(
      this.chats.map(async (chat) => {
        if (!chat.contact) throw new Error("learnContacts() first");
        const marker = `${chat.name}o${round}`;
        const said = await chat.line.portal.operatorSays(chat.line.line, chat.contact, `Answer [[${marker}]]`);
        for (const event of said.events) expect(event.status, `the event for ${marker}`).toBe(200);
        this.replies.push({ line: chat.line, marker, imMessageId: said.imMessageId });
      }),
    );
  }

  /** The SalesRender tenant: the CRM sends `count` messages and the bench bot's customers write `count`. */
  async salesrenderTalks(round: number, count: number): Promise<void> {
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const out = `sr${round}o${i}`;
        expect(await crmSend(this.s.stack, messageBody(out, 9000 + i))).toBe(202);
        this.salesrenderOut.push(out);
        const incoming = `sr${round}i${i}`;
        expect(await postUpdate(this.s.stack, 1_000_000 + round * 1000 + i, 9000 + i, incoming)).toBe(200);
        this.salesrenderIn.push(incoming);
      }),
    );
  }

  /** Customer messages that reached their line chat, in the order the portal got them. */
  arrived(chat: Chat): string[] {
    return chat.line.portal
      .messages({ line: chat.line.line })
      .map((m) => markerOf(unescaped(m.text)) ?? "")
      .filter((m) => m.startsWith(`${chat.name}k`));
  }

  /** How many customer messages reached the portals so far. */
  customerArrivals(): number {
    return this.chats.reduce((sum, chat) => sum + this.arrived(chat).length, 0);
  }

  /** How many operator replies reached Telegram and had their delivery status reach the portal. */
  repliesDone(): number {
    return this.replies.filter(
      (r) => this.s.stack.api.timesDelivered(r.marker) > 0 && r.line.portal.delivered(r.imMessageId),
    ).length;
  }

  /** The SalesRender side is through: every incoming message at the CRM, every CRM message sent. */
  salesrenderDone(): boolean {
    const incoming = new Set(this.s.stack.crm.incoming.map((r) => markerOf(r.body.message.content?.text)));
    return (
      this.salesrenderIn.every((m) => incoming.has(m)) &&
      this.salesrenderOut.every((m) => this.s.stack.api.timesDelivered(m) > 0)
    );
  }

  /** Waits until everything sent so far has arrived and the queue and outbox are empty. */
  async settle(timeoutMs = 90_000): Promise<void> {
    const probe = new DbProbe(this.s.stack.dbPath);
    try {
      const total = this.chats.reduce((sum, chat) => sum + chat.sent.length, 0);
      await waitFor(
        async () =>
          this.customerArrivals() >= total &&
          this.repliesDone() === this.replies.length &&
          this.salesrenderDone() &&
          (await probe.unfinished()) === 0 &&
          (await probe.outboxPending()) === 0,
        { timeoutMs },
      );
    } catch (error) {
      // Say where it is stuck: what is still missing, and what the gateway last logged.
      const state = {
        customerMessages: `${this.customerArrivals()}/${this.chats.reduce((sum, chat) => sum + chat.sent.length, 0)}`,
        replies: `${this.repliesDone()}/${this.replies.length}`,
        salesrender: this.salesrenderDone(),
        unfinished: await probe.unfinished(),
        outbox: await probe.outboxPending(),
      };
      throw new Error(`${String(error)}: ${JSON.stringify(state)}\n${this.s.stack.gateway.recentOutput}`);
    } finally {
      probe.close();
    }
  }

  /**
   * The scenario's verdict: every customer message in its line chat exactly once, whole and in order;
   * every operator reply sent once with its delivery status; no refresh token spent twice; no portal
   * needing re-authorisation; no event answered 5xx; no outbox request dropped; queue and outbox
   * empty. Returns the counts.
   */
  async verdict(): Promise<Record<string, number | string>> {
    const { b24, stack } = this.s;
    const inOrderOnce = this.chats.every((chat) => this.arrived(chat).join() === chat.sent.join());
    const whole = this.chats.every((chat) =>
      chat.line.portal
        .messages({ line: chat.line.line })
        .filter((m) => markerOf(unescaped(m.text))?.startsWith(`${chat.name}k`))
        .every((m) => unescaped(m.text) === `hello [[${markerOf(unescaped(m.text))}]]`),
    );
    const replyTimes = this.replies.map((r) => stack.api.timesDelivered(r.marker));
    const statuses = this.replies.filter((r) => r.line.portal.delivered(r.imMessageId)).length;
    const invalidGrants = b24.tokenRequests.filter((r) => r.error === "invalid_grant").length;
    const eventStatuses = b24.events.filter((e) => e.event.startsWith("ONIMCONNECTOR")).map((e) => e.status);
    const probe = new DbProbe(stack.dbPath);
    const [unfinished, outbox, needsReauthorisation] = await Promise.all([
      probe.unfinished(),
      probe.outboxPending(),
      probe.portalsNeedingReauthorisation(),
    ]).finally(() => probe.close());
    const counts = {
      lines: this.s.lines.length,
      chats: this.chats.length,
      customerMessages: this.chats.reduce((sum, chat) => sum + chat.sent.length, 0),
      arrivedInLines: this.customerArrivals(),
      inOrderOnce: String(inOrderOnce),
      whole: String(whole),
      operatorReplies: this.replies.length,
      sentOnce: replyTimes.filter((n) => n === 1).length,
      deliveryStatuses: statuses,
      salesrender: this.salesrenderIn.length + this.salesrenderOut.length,
      tokenRefreshes: b24.tokenRequests.filter((r) => r.grantType === "refresh_token" && r.status === 200).length,
      refreshesRefused: b24.tokenRequests.filter((r) => r.grantType === "refresh_token" && r.status !== 200).length,
      invalidGrants,
      needsReauthorisation,
      events: eventStatuses.length,
      events5xx: eventStatuses.filter((s) => s >= 500 || s === 0).length,
      dropped: this.s.dropped.length,
      unfinished,
      outbox,
    };
    expect(inOrderOnce, "each line chat holds its customer's messages once, in order").toBe(true);
    expect(whole, "each customer message arrived whole").toBe(true);
    expect(
      replyTimes.every((n) => n === 1),
      "each operator reply reached Telegram once",
    ).toBe(true);
    expect(statuses).toBe(this.replies.length);
    expect(this.salesrenderDone()).toBe(true);
    expect(counts.invalidGrants).toBe(0);
    expect(counts.needsReauthorisation).toBe(0);
    expect(
      eventStatuses.every((s) => s === 200),
      "every event answered 200",
    ).toBe(true);
    expect(this.s.dropped, "the gateway dropped no outbox request").toEqual([]);
    expect(unfinished).toBe(0);
    expect(outbox).toBe(0);
    return counts;
  }

  private async postToBot(botToken: string, chatId: number, marker: string): Promise<number> {
    const hook = this.s.stack.api.webhooks.get(botToken);
    if (!hook) throw new Error(`no webhook for bot ${botToken.split(":")[0]}`);
    const res = await fetch(hook.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret },
      body: telegramUpdate(this.updateId++, chatId, marker),
    });
    await res.body?.cancel();
    return res.status;
  }
}
