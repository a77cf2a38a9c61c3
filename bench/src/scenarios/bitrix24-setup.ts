/**
 * @module scenarios/bitrix24-setup — what the Bitrix24 scenarios share: the Telegram gateway serving
 * one Open Line of one fake portal (the testkit's fake Bitrix24: form-encoded events, REST answers as
 * the portal gives them) with every rate limit off, its customers known to the portal, and the
 * operator's events built by the fake itself.
 */
import { performance } from "node:perf_hooks";
import { waitFor, type FakeBitrix24, type FakePortal } from "@switchboard/testkit";
import { PostgresUnavailableError } from "@switchboard/testkit/postgres";
import { startBitrix24ChaosStack, type Bitrix24ChaosStack, type ChaosLine } from "../chaos/harness/bitrix24-stack.js";
import { telegramUpdate } from "../load/load-spec.js";
import { markerIn } from "./bitrix24-checks.js";
import type { StoreVariant } from "./store-variants.js";

/** Customers of the line (each a Telegram user writing to the line's bot): the chats a run spreads over. */
export const BITRIX24_CHATS = 50;
/** The first customer's Telegram id (the autocannon update source numbers its chats from here). */
export const FIRST_CUSTOMER = 1_000_000;
/** Far above anything sent: the portal's bucket (X, Y) and ours (BITRIX24_RATE_*) never wait. */
const UNLIMITED = 1_000_000_000;

/**
 * The fake's clock: epoch milliseconds with `performance.now()`'s resolution, so the portal's call
 * stamps minus `performance.timeOrigin` share a timeline with the bench's client.
 */
export const portalClock = (): number => performance.timeOrigin + performance.now();

/** A running Bitrix24 bench setup. */
export interface Bitrix24Bench {
  s: Bitrix24ChaosStack;
  line: ChaosLine;
  /** The connector's id on the portal (`switchboard_telegram`). */
  connector: string;
  /** The line's bot's webhook, as the gateway set it at the fake Bot API. */
  hook: { url: string; headers: Record<string, string> };
  /** Each customer's external chat id at the portal (what an operator's event names), by customer. */
  contacts: string[];
  close(): Promise<void>;
}

/** Starts the stack for `variant`, or answers the skip error where PostgreSQL is missing. */
export async function startBitrix24Bench(
  variant: StoreVariant,
  nodeArgs: string[] = [],
): Promise<Bitrix24Bench | PostgresUnavailableError> {
  let s: Bitrix24ChaosStack;
  try {
    s = await startBitrix24ChaosStack({
      portals: 1,
      linesPerPortal: 1,
      store: variant.store,
      recordCalls: true,
      nodeArgs,
      fake: { clock: portalClock },
      portalBucket: { burst: UNLIMITED, perSecond: UNLIMITED },
      rate: { perSecond: UNLIMITED, burst: UNLIMITED },
    });
  } catch (error) {
    if (error instanceof PostgresUnavailableError) return error;
    throw error;
  }
  try {
    const line = s.lines[0]!;
    const hook = s.stack.api.webhooks.get(line.botToken);
    if (!hook) throw new Error("the gateway set no webhook for the line's bot");
    const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret };
    const contacts = await learnContacts(s, line, hook.url, headers);
    const connector = [...line.portal.state.connectors.keys()][0];
    if (!connector) throw new Error("the gateway registered no connector on the portal");
    return { s, line, connector, hook: { url: hook.url, headers }, contacts, close: () => s.close() };
  } catch (error) {
    await s.close();
    throw error;
  }
}

/** Every customer writes once (this also warms the path up); the portal's chat ids are read back. */
async function learnContacts(
  s: Bitrix24ChaosStack,
  line: ChaosLine,
  url: string,
  headers: Record<string, string>,
): Promise<string[]> {
  await Promise.all(
    Array.from({ length: BITRIX24_CHATS }, async (_, n) => {
      const res = await fetch(url, {
        method: "POST",
        headers,
        body: telegramUpdate(1 + n, FIRST_CUSTOMER + n, `first${n}`),
      });
      await res.body?.cancel();
      if (res.status !== 200) throw new Error(`the webhook answered ${res.status} to customer ${n}'s first message`);
    }),
  );
  const byMarker = new Map<string, string>();
  await waitFor(
    () => {
      for (const m of line.portal.messages({ line: line.line })) {
        const marker = markerIn(m.text);
        if (marker) byMarker.set(marker, m.chatId);
      }
      return byMarker.size >= BITRIX24_CHATS;
    },
    { timeoutMs: 60_000 },
  );
  return Array.from({ length: BITRIX24_CHATS }, (_, n) => byMarker.get(`first${n}`)!);
}

/** One operator message as the portal posts it: the event's form body and where it goes. */
export interface OperatorEvent {
  url: string;
  body: string;
  marker: string;
  imMessageId: number;
  /** The operator's words, which must reach the customer unchanged. */
  words: string;
}

/** The operator's words around a marker: Cyrillic and an emoji, so "whole" covers more than ASCII. */
export function operatorWords(marker: string): string {
  return `Answer [[${marker}]]: ваш заказ готов 🚚`;
}

/**
 * The fake portal builds `count` ONIMCONNECTORMESSAGEADD events (one operator message each, spread
 * over the customers) without posting them (its drop mode), so a load client can post them at the
 * rate under test. Also answers the fake's own CPU per event built.
 */
export async function buildOperatorEvents(
  bench: { s: { b24: FakeBitrix24 }; line: { portal: FakePortal; line: number }; contacts: readonly string[] },
  prefix: string,
  count: number,
): Promise<{ events: OperatorEvent[]; fakeCpuUsPerEvent: number }> {
  const { s, line, contacts } = bench;
  const cpu = process.cpuUsage();
  s.b24.setDropEvents(true);
  const events: OperatorEvent[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const marker = `${prefix}${i}`;
      const words = operatorWords(marker);
      const said = await line.portal.operatorSays(line.line, contacts[i % contacts.length]!, words);
      const posted = said.events[0];
      if (said.events.length !== 1 || !posted) throw new Error(`the portal has ${said.events.length} handlers bound`);
      events.push({ url: posted.url, body: posted.body, marker, imMessageId: said.imMessageId, words });
    }
  } finally {
    s.b24.setDropEvents(false);
  }
  // The fake keeps a record of each event; the bench holds the bodies itself.
  s.b24.state.events.length = 0;
  const used = process.cpuUsage(cpu);
  return { events, fakeCpuUsPerEvent: (used.user + used.system) / Math.max(1, count) };
}

/** The headers the portal's queue server posts events with. */
export const EVENT_HEADERS = {
  "content-type": "application/x-www-form-urlencoded",
  "user-agent": "Bitrix24 Webhook Engine",
};
