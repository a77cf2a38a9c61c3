import { SALESRENDER_HOST, salesRenderTenantKey } from "@switchboard/host-salesrender";
import { afterEach, describe, expect, it } from "vitest";
import { ChannelNetworkError, InvalidInputError } from "../errors.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { crashMidSend, startStack, TENANT_A, textMessage, type Stack } from "../test/stack.js";
import { openSendParts } from "./send-parts.js";

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

/** The stored progress rows of the message with CRM id `crmId`. */
function storedParts(s: Stack, crmId: string) {
  return s.gw.runtime.db.$client
    .prepare(
      `SELECT p.part_index AS i, p.channel_message_id AS id FROM outgoing_send_parts p
       JOIN outgoing o ON o.id = p.outgoing_id WHERE o.crm_message_id = ? ORDER BY p.part_index`,
    )
    .all(crmId);
}

describe("ctx.parts", () => {
  it("keeps recorded parts across a retry, maps them at once, and clears them when the message is sent", async () => {
    const echo = createEchoGateway();
    const seen: Array<{ attempt: number; all: [number, string][]; first: string | undefined }> = [];
    const during: unknown[] = [];
    echo.behave(async (m, _signal, ctx) => {
      seen.push({ attempt: m.attempt, all: [...(await ctx.parts.all())], first: await ctx.parts.get(0) });
      if (m.attempt === 1) {
        await ctx.parts.record(0, "p-0");
        await ctx.parts.record(1, "p-1");
        // A status and a lookup for a part that is already out, while the message is not finished.
        during.push(await s.gw.runtime.reportStatus(ctx.tenant, "p-0", "delivered"));
        during.push((await s.gw.runtime.findOutgoing(ctx.tenant, "p-1"))?.crmMessageId);
        during.push(storedParts(s, "split"));
        throw new ChannelNetworkError("connection reset after part 1");
      }
      await ctx.parts.record(2, "p-2");
      return { ids: ["p-0", "p-1", "p-2"] };
    });
    const s = await startStack(echo.definition);
    stacks.push(s);
    await s.crm.send(s.gw.url, TENANT_A, textMessage("split"));
    await s.crm.waitFor(() => s.crm.statusesOf("split").length === 1);

    expect(seen).toEqual([
      { attempt: 1, all: [], first: undefined },
      {
        attempt: 2,
        all: [
          [0, "p-0"],
          [1, "p-1"],
        ],
        first: "p-0",
      },
    ]);
    expect(during).toEqual([
      true,
      "split",
      [
        { i: 0, id: "p-0" },
        { i: 1, id: "p-1" },
      ],
    ]);
    expect(storedParts(s, "split")).toEqual([]);
    // The delivered status of part 0 waited for the send; the CRM hears delivered once every part is.
    expect(s.crm.statusesOf("split")).toEqual(["sent"]);
    const a = (await s.gw.runtime.tenants.byKey(SALESRENDER_HOST, salesRenderTenantKey(TENANT_A)))!;
    expect(await s.gw.runtime.reportStatus(a, "p-1", "delivered")).toBe(false);
    expect(await s.gw.runtime.reportStatus(a, "p-2", "delivered")).toBe(true);
    await s.crm.waitFor(() => s.crm.statusesOf("split").length === 2);
    expect(s.crm.statusesOf("split")).toEqual(["sent", "delivered"]);
  });

  it("reports a part's status that came during the send right after the message is sent", async () => {
    const echo = createEchoGateway();
    echo.behave(async (_m, _signal, ctx) => {
      await ctx.parts.record(0, "q-0");
      await s.gw.runtime.reportStatus(ctx.tenant, "q-0", "error", { reason: "carrier refused" });
      return { ids: ["q-0", "q-1"] };
    });
    const s = await startStack(echo.definition);
    stacks.push(s);
    await s.crm.send(s.gw.url, TENANT_A, textMessage("late"));
    await s.crm.waitFor(() => s.crm.statusesOf("late").length === 2);
    expect(s.crm.statusesOf("late")).toEqual(["sent", "error"]);
  });

  it("clears the recorded parts when the message fails for good", async () => {
    const echo = createEchoGateway();
    echo.behave(async (_m, _signal, ctx) => {
      await ctx.parts.record(0, "f-0");
      expect(storedParts(s, "perm")).toEqual([{ i: 0, id: "f-0" }]);
      throw new InvalidInputError("The caption is too long");
    });
    const s = await startStack(echo.definition);
    stacks.push(s);
    await s.crm.send(s.gw.url, TENANT_A, textMessage("perm"));
    await s.crm.waitFor(() => s.crm.statusesOf("perm").length === 1);
    expect(s.crm.statusesOf("perm")).toEqual(["error"]);
    expect(echo.calls).toHaveLength(1);
    expect(storedParts(s, "perm")).toEqual([]);
  });

  it("refuses a part index that is not a whole number from 0 (a bug in the gateway fails the message)", async () => {
    const echo = createEchoGateway();
    echo.behave(async (_m, _signal, ctx) => {
      await ctx.parts.record(-1, "x");
      return "never";
    });
    const s = await startStack(echo.definition);
    stacks.push(s);
    await s.crm.send(s.gw.url, TENANT_A, textMessage("bad-index"));
    await s.crm.waitFor(() => s.crm.statusesOf("bad-index").length === 1);
    expect(s.crm.statusesOf("bad-index")).toEqual(["error"]);
  });

  it("keeps the recorded parts through a crash mid-send: the next process sends only the rest", async () => {
    // First process: records two parts, then its send never finishes, as if the process died.
    const first = createEchoGateway();
    first.behave(async (_m, _signal, ctx) => {
      await ctx.parts.record(0, "c-0");
      await ctx.parts.record(1, "c-1");
      return new Promise(() => undefined);
    });
    const crash = await crashMidSend(first, "crash-split");
    try {
      await crash.crm.waitFor(() => storedParts(crash.dying, "crash-split").length === 2);
      const second = createEchoGateway();
      const resumed: Array<[number, string][]> = [];
      second.behave(async (_m, _signal, ctx) => {
        resumed.push([...(await ctx.parts.all())]);
        await ctx.parts.record(2, "c-2");
        return { ids: ["c-0", "c-1", "c-2"] };
      });
      const restarted = await crash.restart(second.definition);
      await crash.crm.waitFor(() => crash.crm.statusesOf("crash-split").length === 1, 5000);
      expect(second.calls.map((c) => c.attempt)).toEqual([2]);
      expect(resumed).toEqual([
        [
          [0, "c-0"],
          [1, "c-1"],
        ],
      ]);
      expect(storedParts(restarted, "crash-split")).toEqual([]);
    } finally {
      await crash.close();
    }
  });
});

describe("openSendParts", () => {
  /** A store that counts its reads and holds what was recorded. */
  function countingStore(recorded: Map<number, string>) {
    const store = {
      reads: 0,
      readParts: async () => {
        store.reads++;
        return new Map(recorded);
      },
      recordPart: async (_tenantId: number, _outgoingId: number, index: number, id: string) => {
        recorded.set(index, id);
      },
    };
    return store;
  }

  it("reads nothing on a message's first attempt, and the recorded parts on a later one", async () => {
    const recorded = new Map<number, string>();
    const first = countingStore(recorded);
    const parts = openSendParts(first, 1, 7, 1);
    expect(await parts.get(0)).toBeUndefined();
    await parts.record(0, "m-0");
    expect(await parts.all()).toEqual(new Map([[0, "m-0"]]));
    expect(first.reads).toBe(0);

    const retry = countingStore(recorded);
    const again = openSendParts(retry, 1, 7, 2);
    expect(await again.get(0)).toBe("m-0");
    expect(await again.get(1)).toBeUndefined();
    expect(retry.reads).toBe(1);
  });
});
