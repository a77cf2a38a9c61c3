/**
 * @module scenarios/drain — 100 000 messages already queued, rate limits off, the fake Bot API
 * answering at once: messages/s until the queue is empty, and the gateway's peak RSS. Also the
 * same drain with a do-nothing sender (queue only), next to BullMQ on a local Redis.
 */
import type { BenchOptions } from "../env.js";
import { profileDirFor, renderProfile, summariseProfileIn } from "../report/cpu-profile.js";
import { sendBodies, startBenchStack, type BenchStack } from "../gateway/bench-stack.js";
import { OPEN_GATE_SIGNAL } from "../gateway/noop-gateway.js";
import { watchDrain, waitForBacklog, type DrainResult } from "../queue/drain-watch.js";
import { figure, type ScenarioResult } from "../report/result.js";
import { bullmqDrain } from "../queue/bullmq-drain.js";
import { loadReplicas } from "./store-variants.js";

const POOL = 2000;

/**
 * Fills a stack's queue with `count` messages through `/special/send` while delivery is held: the
 * tenants' messages interleaved, the connections split between the replicas.
 */
export async function fill(
  stack: BenchStack,
  count: number,
  connections: number,
): Promise<{ perSecond: number; stored: number }> {
  const perTenant = stack.tenants.map((tenant) =>
    sendBodies(stack.crm, stack.gateway.url, POOL, (i) => `Drain [[d${i}]]`, tenant, stack.kind),
  );
  const bodies = Array.from(
    { length: POOL * perTenant.length },
    (_, i) => perTenant[i % perTenant.length]![Math.floor(i / perTenant.length)]!,
  );
  const result = await loadReplicas(stack.gateways, "special/send", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: { kind: "pool", bodies },
    connections,
    durationS: 600,
    amount: count,
  });
  const stored = await waitForBacklog(stack.store, count);
  if (stored !== count)
    throw new Error(
      `backlog has ${stored} messages, expected ${count} (${result.non2xx} non-2xx, ${result.errors} errors)`,
    );
  return { perSecond: result.requestsPerSecond, stored };
}

/** Drain through the Telegram gateway and the fake Bot API. */
export async function drainScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const profileDir = profileDirFor(options.cpuProfileDir, "drain");
  const stack = await startBenchStack({
    kind: "telegram",
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  try {
    stack.api.setMode({ kind: "hold" });
    log(`drain: queueing ${options.drainMessages} messages`);
    const filled = await fill(stack, options.drainMessages, options.connections);
    log(`drain: releasing the fake Bot API`);
    const drain = await watchDrain(stack.gateway, stack.dbPath, () => {
      stack.api.setMode({ kind: "ok" });
      stack.api.release();
    });
    const rss = stack.gateway.memory();
    const heap = drain.memory;
    const cpuSeconds = Object.values(stack.gateway.cpuByThread()).reduce((a, b) => a + b, 0);
    if (profileDir) {
      // The profile covers the whole life: building the backlog (accept) and the drain (send).
      await stack.gateway.stop();
      const profile = summariseProfileIn(profileDir, 25);
      if (profile) log(renderProfile(profile));
    }
    return {
      scenario: "3. drain",
      figures: [
        figure("messages/s until empty", drain.perSecond, "msg/s", {
          text: "≥ 10 000",
          met: drain.perSecond >= 10_000,
        }),
        figure("peak RSS while draining", drain.peakRssMb, "MB", { text: "< 150 MB", met: drain.peakRssMb < 150 }),
        figure("fill rate (accept, delivery held)", filled.perSecond, "req/s"),
      ],
      notes: [
        `${drain.messages} messages in ${drain.seconds.toFixed(2)} s; fake Bot API received ${stack.api.delivered}; RSS ${drain.startRssMb.toFixed(0)} MB when the drain started (left by the fill), ${rss.rssMb.toFixed(0)} MB after`,
        ...(heap
          ? [
              `memoryUsage() at the start ${JSON.stringify(heap.atStart)}, highest during the drain ${JSON.stringify(heap.highest)} (MB)`,
            ]
          : []),
      ],
      details: { drain, filled, gatewayCpuSeconds: cpuSeconds },
    };
  } finally {
    await stack.close();
  }
}

/** Queue only: the no-op sender, then BullMQ with a do-nothing worker at the same concurrency. */
export async function queueOnlyScenario(options: BenchOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const concurrency = 100;
  let ours: DrainResult;
  // One tenant may use every slot here, as BullMQ's single worker does.
  const stack = await startBenchStack({
    kind: "noop",
    env: { LV_PLUGIN_CHAT_SEND_QUEUE_LIMIT: String(concurrency), SWITCHBOARD_SEND_TENANT_LIMIT: String(concurrency) },
  });
  try {
    log(`queue-only: queueing ${options.drainMessages} messages (no-op sender, gate closed)`);
    await fill(stack, options.drainMessages, options.connections);
    ours = await watchDrain(stack.gateway, stack.dbPath, async () => {
      stack.gateway.child.kill(OPEN_GATE_SIGNAL);
    });
  } finally {
    await stack.close();
  }
  const figures = [
    figure("Switchboard queue, do-nothing sender", ours.perSecond, "jobs/s"),
    figure("Switchboard queue peak RSS", ours.peakRssMb, "MB"),
  ];
  const notes = [
    `${ours.messages} messages in ${ours.seconds.toFixed(2)} s, concurrency ${concurrency}; RSS ${ours.startRssMb.toFixed(0)} MB when the drain started`,
    ...(ours.memory
      ? [
          `memoryUsage() at the start ${JSON.stringify(ours.memory.atStart)}, highest during the drain ${JSON.stringify(ours.memory.highest)} (MB)`,
        ]
      : []),
  ];
  log(`queue-only: BullMQ on a local Redis`);
  const bull = await bullmqDrain(options.drainMessages, concurrency, log);
  if ("skipped" in bull) {
    notes.push(`BullMQ comparison skipped: ${bull.skipped}`);
  } else {
    const ratio = ours.perSecond / bull.perSecond;
    figures.push(
      figure("BullMQ + Redis, do-nothing worker", bull.perSecond, "jobs/s"),
      figure("ratio Switchboard / BullMQ", ratio * 100, "%", { text: "≥ 200 %", met: ratio >= 2 }),
    );
    notes.push(
      `BullMQ: ${bull.jobs} jobs in ${bull.seconds.toFixed(2)} s, concurrency ${concurrency}, removeOnComplete, Redis ${bull.redisVersion} without persistence`,
    );
  }
  return { scenario: "3b. queue only", figures, notes, details: { ours, bullmq: bull } };
}
