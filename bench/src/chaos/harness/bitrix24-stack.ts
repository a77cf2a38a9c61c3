/**
 * The Bitrix24 chaos stack: the fake Bitrix24 cloud (portals, OAuth server, queue server) in this
 * process, the Telegram gateway child serving `SWITCHBOARD_HOSTS=salesrender,bitrix24`, the bench
 * tenant on the SalesRender side, and several portals installed with several Open Lines, each line
 * connected through its settings slider to a bot of its own on the lean fake Bot API. The bench's
 * Bitrix24 scenarios (`scenarios/bitrix24-setup.ts`) start the same stack, on either store.
 */
import { startFakeBitrix24, type FakeBitrix24, type FakeBitrix24Options, type FakePortal } from "@switchboard/testkit";
import { startBenchStack, type BenchStack } from "../../gateway/bench-stack.js";
import { FAST_RETRIES } from "./chaos-stack.js";

/** The Telegram gateway's connector on the portals. */
const CONNECTOR = "switchboard_telegram";

/** One connected Open Line and the bot that serves it. */
export interface ChaosLine {
  /** `p<portal>l<line>`: part of every marker sent through this line. */
  name: string;
  portal: FakePortal;
  line: number;
  botToken: string;
}

/** A running Bitrix24 chaos stack. */
export interface Bitrix24ChaosStack {
  b24: FakeBitrix24;
  stack: BenchStack;
  lines: ChaosLine[];
  /** Every log line in which the gateway dropped an outbox request (refused for good, or expired). */
  dropped: string[];
  close(): Promise<void>;
}

/** Options of {@link startBitrix24ChaosStack}. */
export interface Bitrix24ChaosOptions {
  portals: number;
  linesPerPortal: number;
  /** The fake's own options (its token lifetime). */
  fake?: Omit<FakeBitrix24Options, "rateLimit">;
  /** The portals' own bucket once the lines are connected (the setup runs with the default X = 50, Y = 2). */
  portalBucket?: { burst: number; perSecond: number };
  /** Our side's per-portal rate (BITRIX24_RATE_PER_SECOND / BITRIX24_RATE_BURST; default generous). */
  rate?: { perSecond: number; burst: number };
  env?: Record<string, string>;
  /** Where the gateway stores everything (default SQLite; the bench also measures PostgreSQL). */
  store?: "sqlite" | "postgres";
  /** Keep every call the fake Bot API sees (default true: the chaos checks read them). */
  recordCalls?: boolean;
  /** Extra node flags for the gateway (the bench's `--cpu-prof`). */
  nodeArgs?: string[];
}

/** Starts the fake and the gateway, installs every portal and connects every line. */
export async function startBitrix24ChaosStack(options: Bitrix24ChaosOptions): Promise<Bitrix24ChaosStack> {
  const lineNumbers = Array.from({ length: options.linesPerPortal }, (_, i) => i + 1);
  const b24 = await startFakeBitrix24({ ...options.fake, portal: { lines: lineNumbers, languageId: "en" } });
  let stack: BenchStack | undefined;
  try {
    stack = await startBenchStack({
      kind: "telegram",
      recordCalls: options.recordCalls ?? true,
      store: options.store ?? "sqlite",
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      env: {
        ...FAST_RETRIES,
        SWITCHBOARD_HOSTS: "salesrender,bitrix24",
        BITRIX24_CLIENT_ID: b24.clientId,
        BITRIX24_CLIENT_SECRET: b24.clientSecret,
        BITRIX24_OAUTH_URL: b24.url,
        BITRIX24_RATE_PER_SECOND: String(options.rate?.perSecond ?? 100),
        BITRIX24_RATE_BURST: String(options.rate?.burst ?? 100),
        ...options.env,
      },
    });
    const portals = [b24.portal];
    while (portals.length < options.portals) portals.push(b24.addPortal({ lines: lineNumbers, languageId: "en" }));
    const lines: ChaosLine[] = [];
    for (const [p, portal] of portals.entries()) {
      const installed = await portal.install({ install: `${stack.gateway.url}bitrix24/install` });
      if (installed.event.status !== 200)
        throw new Error(`install answered ${installed.event.status}: ${installed.event.answer}`);
      for (const line of lineNumbers) {
        const chaosLine = {
          name: `p${p}l${line}`,
          portal,
          line,
          botToken: `${300_000 + p * 100 + line}:B24chaos${p}x${line}bot`,
        };
        await connectLine(stack, chaosLine);
        lines.push(chaosLine);
      }
    }
    // The administrator's setup is not what is under test: the small bucket applies from here on.
    if (options.portalBucket) b24.state.buckets.limit = options.portalBucket;
    const running = stack;
    const dropped: string[] = [];
    let partial = "";
    running.gateway.child.stdout?.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const complete = text.split("\n");
      partial = complete.pop() ?? "";
      for (const line of complete) if (line.includes("dropped")) dropped.push(line);
    });
    return {
      b24,
      stack: running,
      lines,
      dropped,
      async close() {
        await running.close();
        await b24.close();
      },
    };
  } catch (error) {
    await stack?.close();
    await b24.close();
    throw error;
  }
}

/** Opens the line's settings slider and saves its bot token, as the portal's administrator would. */
async function connectLine(stack: BenchStack, line: ChaosLine): Promise<void> {
  const page = await line.portal.openSettings(line.line);
  const token = /name="sb_form" value="([^"]+)"/.exec(page.html)?.[1]?.replace(/&amp;/g, "&");
  if (page.status !== 200 || !token) throw new Error(`the settings page answered ${page.status}: ${page.html}`);
  const saved = await line.portal.openSettings(line.line, {
    sb_form: token,
    sb_lang: "en_US",
    "settings[main][botToken]": line.botToken,
  });
  const connected = line.portal.connectorLine(CONNECTOR, line.line);
  if (saved.status !== 200 || !stack.api.webhooks.has(line.botToken) || !connected?.active || !connected.connected)
    throw new Error(`saving ${line.name}'s settings answered ${saved.status}: ${saved.html}`);
}
