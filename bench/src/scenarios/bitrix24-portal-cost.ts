/**
 * @module scenarios/bitrix24-portal-cost — the fake portal alone, before it is used to measure the
 * gateway: `imconnector.send.messages` calls posted to it one at a time from the bench process, as
 * the host posts them (JSON body with `auth`), so its own time and CPU per call can be set beside
 * the call rate the gateway reaches.
 */
import { performance } from "node:perf_hooks";
import type { FakeBitrix24, FakePortal } from "@switchboard/testkit";

/** What one call of the fake portal costs. */
export interface PortalCost {
  calls: number;
  messagesPerCall: number;
  /** Wall time per call, one at a time (the bench's own HTTP client included). */
  msPerCall: number;
  /** The bench process's CPU per call (the fake and the client posting to it). */
  cpuUsPerCall: number;
  /** Calls per second one at a time: the fake's ceiling as a single caller sees it. */
  callsPerSecond: number;
}

/**
 * Posts `calls` calls of `messagesPerCall` elements each to the line; each element is a customer
 * of its own chat (`probe-<k>`, outside the measured traffic) without a marker.
 */
export async function measurePortalCost(
  bench: { s: { b24: FakeBitrix24 }; line: { portal: FakePortal; line: number }; connector: string },
  calls = 200,
  messagesPerCall = 8,
): Promise<PortalCost> {
  const { b24 } = bench.s;
  const { line, connector } = bench;
  const { accessToken } = b24.state.tokens.issueAccess({ memberId: line.portal.memberId, userId: 1 });
  const post = async (n: number) => {
    const res = await fetch(`${b24.restUrl}imconnector.send.messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        auth: accessToken,
        CONNECTOR: connector,
        LINE: line.line,
        MESSAGES: Array.from({ length: messagesPerCall }, (_, k) => ({
          user: { id: `probe-${k}`, name: "Probe" },
          chat: { id: `probe-${k}` },
          message: { id: `probe-${n}-${k}`, date: Math.floor(Date.now() / 1000), text: `portal cost probe ${n}.${k}` },
        })),
      }),
    });
    const answer = (await res.json()) as { result?: { SUCCESS?: boolean } };
    if (res.status !== 200 || answer.result?.SUCCESS !== true)
      throw new Error(`the fake portal answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  };
  for (let n = 0; n < 20; n++) await post(-1 - n); // warm-up: JIT, the kept-alive socket
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let n = 0; n < calls; n++) await post(n);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return {
    calls,
    messagesPerCall,
    msPerCall: ms / calls,
    cpuUsPerCall: (used.user + used.system) / calls,
    callsPerSecond: calls / (ms / 1000),
  };
}
