/**
 * @module scenarios/inbound — Telegram webhook updates: how many per second the gateway accepts
 * and forwards to the CRM simulator, and the time from the webhook's answer to the CRM receiving it.
 */
import { performance } from "node:perf_hooks";
import { waitFor } from "@switchboard/testkit";
import type { BenchOptions } from "../env.js";
import { BENCH_BOT_TOKEN, startBenchStack } from "../gateway/bench-stack.js";
import { runFixedRate } from "../load/fixed-rate.js";
import { telegramUpdate } from "../load/load-spec.js";
import { runAutocannon } from "../load/run-autocannon.js";
import { renderProfile, profileDirFor, summariseProfileIn, type ProfileSummary } from "../report/cpu-profile.js";
import { percentiles } from "../report/stats.js";
import { figure, type ScenarioResult } from "../report/result.js";

const MARKER = /\[\[([A-Za-z0-9_-]+)\]\]/;
const LATENCY_RATE = 1000;
const LATENCY_P99_TARGET_MS = 10;
const WARMUP_S = 2;

/** Runs the inbound throughput and latency measurements. */
export async function inboundScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const profileDir = profileDirFor(options.cpuProfileDir, "inbound");
  const stack = await startBenchStack({
    kind: "telegram",
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  const { crm } = stack;
  try {
    const hook = stack.api.webhooks.get(BENCH_BOT_TOKEN);
    if (!hook) throw new Error("the gateway set no webhook");
    const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": hook.secret };

    // The latency run comes first: the CRM simulator, which records each arrival, lives in this
    // process, and the tens of thousands of requests it keeps from the throughput run made its
    // garbage collector's pauses part of the measured latency.
    log(
      `inbound: ${LATENCY_RATE} updates/s for ${options.fixedRateS} s after ${WARMUP_S} s of warm-up, webhook → CRM latency`,
    );
    const arrivedAt = new Map<string, number>();
    const stop = crm.onEvent((e) => {
      if (e.kind !== "incoming" || e.status !== 201) return;
      const marker = MARKER.exec(JSON.stringify(e.claims ?? {}))?.[1];
      if (marker) arrivedAt.set(marker, performance.now());
    });
    // Warm-up first, as the end-to-end scenario does: JIT, kept-alive sockets, SQLite pages.
    await runFixedRate({
      url: hook.url,
      headers,
      perSecond: LATENCY_RATE,
      durationS: WARMUP_S,
      bodyFor: (i) => ({ body: telegramUpdate(40_000_000 + i, 2_000_000 + (i % 1000), `w${i}`), marker: `w${i}` }),
    });
    const sent = await runFixedRate({
      url: hook.url,
      headers,
      perSecond: LATENCY_RATE,
      durationS: options.fixedRateS,
      bodyFor: (i) => ({ body: telegramUpdate(50_000_000 + i, 2_000_000 + (i % 1000), `l${i}`), marker: `l${i}` }),
    });
    const ok = sent.filter((s) => s.status === 200);
    await waitFor(() => ok.every((s) => arrivedAt.has(s.marker)), { timeoutMs: 120_000 });
    stop();
    const latency = percentiles(ok.map((s) => Math.max(0, arrivedAt.get(s.marker)! - s.answeredAt)));
    log(`inbound: autocannon ${options.durationS} s of unique updates from 1000 chats`);
    const gatewayCpuBefore = cpuSeconds(stack.gateway.cpuByThread());
    const benchCpuBefore = process.cpuUsage();
    const t0 = performance.now();
    let lastArrival = t0;
    const stopTiming = crm.onEvent((e) => {
      if (e.kind === "incoming" && e.status === 201) lastArrival = performance.now();
    });
    const load = await runAutocannon({
      url: hook.url,
      method: "POST",
      headers,
      body: { kind: "telegram-updates", firstUpdateId: 1_000_000, chats: 1000, markerPrefix: "u" },
      connections: options.connections,
      durationS: options.durationS,
    });
    // Updates in flight when autocannon stopped are stored too: wait for at least the answered ones.
    await crm.waitFor(() => crm.incoming.length >= load.ok, 300_000);
    await new Promise((r) => setTimeout(r, 500));
    stopTiming();
    const forwarded = crm.incoming.length;
    // The CRM simulator (HS512 checks, its HTTP server) runs in this process, the webhook's
    // answer and the forwarding in the gateway's: both per forwarded update.
    const gatewayCpuUs = ((cpuSeconds(stack.gateway.cpuByThread()) - gatewayCpuBefore) / Math.max(1, forwarded)) * 1e6;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const benchCpuUs = (benchCpu.user + benchCpu.system) / Math.max(1, forwarded);
    log(
      `inbound: CPU per update (µs): gateway ${Math.round(gatewayCpuUs)}, bench process with the CRM simulator ${Math.round(benchCpuUs)}`,
    );
    const forwardRate = forwarded / ((lastArrival - t0) / 1000);

    let profile: ProfileSummary | undefined;
    if (profileDir) {
      await stack.gateway.stop();
      profile = summariseProfileIn(profileDir);
      if (profile) log(renderProfile(profile));
    }
    return {
      scenario: "4. inbound",
      figures: [
        figure("webhook updates accepted/s", load.requestsPerSecond, "req/s"),
        figure("webhook answer p99", load.latencyP99Ms, "ms"),
        figure("forwarded to the CRM/s", forwardRate, "msg/s"),
        figure("gateway CPU per update (answer and forwarding)", gatewayCpuUs, "µs"),
        figure("bench process CPU per update (CRM simulator)", benchCpuUs, "µs"),
        figure(`${LATENCY_RATE}/s: webhook → CRM p50`, latency.p50, "ms"),
        figure(`${LATENCY_RATE}/s: webhook → CRM p99`, latency.p99, "ms", {
          text: `< ${LATENCY_P99_TARGET_MS} ms`,
          met: latency.p99 < LATENCY_P99_TARGET_MS,
        }),
        figure(`${LATENCY_RATE}/s: webhook → CRM max`, latency.max, "ms"),
      ],
      notes: [
        `${load.ok} updates answered 200 (${load.non2xx} non-2xx, ${load.errors} errors), ${forwarded} reached the CRM simulator (each verified HS512)`,
        `latency run: ${sent.length} updates, ${ok.length} answered 200, all reached the CRM`,
      ],
      details: { load, forwarded, forwardRate, gatewayCpuUs, benchCpuUs, latency, ...(profile ? { profile } : {}) },
    };
  } finally {
    await stack.close();
  }
}

function cpuSeconds(byThread: Record<string, number>): number {
  return Object.values(byThread).reduce((sum, s) => sum + s, 0);
}
