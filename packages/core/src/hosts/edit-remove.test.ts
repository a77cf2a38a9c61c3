import { Writable } from "node:stream";
import { salesrender } from "@switchboard/host-salesrender";
import { startCrmSimulator, type CrmSimulator } from "@switchboard/testkit";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ChannelNetworkError, ChannelRefusedError } from "../errors.js";
import type { EditRequest, GatewayDefinition, RemoveRequest } from "../gateway/types.js";
import type { ChatMessage } from "../protocol/chat.js";
import { startGateway, type GatewayHandle } from "../server/start-gateway.js";
import { createEchoGateway } from "../test/echo-gateway.js";
import { tempDbPath } from "../test/stack.js";
import { defineHost } from "./define-host.js";
import type { HostRuntime, OutboxRequest } from "./types.js";

function recordingHost() {
  const delivered: OutboxRequest[] = [];
  const state: { runtime?: HostRuntime } = {};
  const definition = defineHost({
    name: "recorder",
    setup(runtime) {
      state.runtime = runtime;
      return {
        async deliver(request) {
          delivered.push(request);
        },
      };
    },
  });
  return { definition, delivered, state };
}

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const message = (id: string, text = "Hello"): ChatMessage => ({
  chat: { id: "c-1", contact: "echo://bob", subject: null },
  message: { id, content: { text, format: "text" }, attachments: [] },
});
const content = (text: string) => ({ content: { text, format: "text" as const }, attachments: [] });

/** The echo gateway, with `edit` / `remove` recorded (and scriptable) when `capable`. */
function editingEcho(capable: boolean) {
  const echo = createEchoGateway();
  const log: Array<{ action: "send" | "edit" | "remove"; id: string; request?: EditRequest | RemoveRequest }> = [];
  const behaviour: { edit?: (request: EditRequest) => Promise<string[] | void> } = {};
  echo.behave(async (m) => {
    log.push({ action: "send", id: m.message.id ?? "" });
    return `echo-${m.queueId}`;
  });
  const base = echo.definition as GatewayDefinition;
  const definition: GatewayDefinition = {
    ...base,
    capabilities: {
      ...base.capabilities,
      messages: { ...base.capabilities.messages, ...(capable ? { edit: true, delete: true } : {}) },
    },
    async setup(runtime, env) {
      const instance = await base.setup(runtime, env);
      if (!capable) return instance;
      return {
        ...instance,
        async edit(_ctx, request) {
          log.push({ action: "edit", id: request.crmMessageId, request });
          return behaviour.edit?.(request);
        },
        async remove(_ctx, request) {
          log.push({ action: "remove", id: request.crmMessageId, request });
        },
      };
    },
  };
  return { echo, definition, log, behaviour };
}

let crm: CrmSimulator | undefined;
let gw: GatewayHandle | undefined;
afterEach(async () => {
  await gw?.stop({ timeoutMs: 500 });
  await crm?.close();
  gw = crm = undefined;
});

async function start(capable: boolean, logger?: pino.Logger) {
  crm = await startCrmSimulator();
  const gateway = editingEcho(capable);
  const recorder = recordingHost();
  gw = await startGateway(gateway.definition, {
    hosts: [salesrender, recorder.definition],
    port: 0,
    ...(logger ? { logger } : {}),
    env: {
      ...crm.env,
      SWITCHBOARD_HOSTS: "recorder",
      SWITCHBOARD_DB_PATH: tempDbPath(),
      SWITCHBOARD_ALLOW_PRIVATE_URLS: "true",
      SWITCHBOARD_RETRY_BASE_MS: "10",
      SWITCHBOARD_RETRY_MAX_MS: "50",
      LOG_LEVEL: "silent",
    },
  });
  const runtime = recorder.state.runtime!;
  return { gateway, recorder, runtime, tenant: await runtime.tenants.open("portal/1"), crm };
}

describe("edits and removals of sent messages", () => {
  it("carries out an edit after its message, never before, and reports it with the new ids", async () => {
    const { gateway, recorder, runtime, tenant, crm } = await start(true);
    // The message fails once (retried with backoff): the edit stored meanwhile waits for it.
    let failures = 1;
    gateway.echo.behave(async (m) => {
      gateway.log.push({ action: "send", id: m.message.id ?? "" });
      if (failures-- > 0) throw new ChannelNetworkError("flaky");
      return `echo-${m.message.id}`;
    });
    gateway.behaviour.edit = async (request) => request.channelIds.map((id) => `${id}-edited`);
    const hostData = { im: 7 };
    expect(await runtime.messages.accept(tenant, message("m-1", "Hello"), { hostData })).toBe(true);
    expect(await runtime.messages.edit(tenant, "m-1", content("Hello, fixed"), { operationKey: "e1" })).toBe("queued");
    // The same event posted twice is stored once.
    expect(await runtime.messages.edit(tenant, "m-1", content("Hello, fixed"), { operationKey: "e1" })).toBe(
      "repeated",
    );
    await crm.waitFor(() => recorder.delivered.some((r) => r.kind === "status" && r.body.operation === "edit"));
    expect(gateway.log.map((l) => l.action)).toEqual(["send", "send", "edit"]);
    const edit = gateway.log[2]!.request as EditRequest;
    expect(edit).toMatchObject({
      crmMessageId: "m-1",
      chat: { contact: "echo://bob" },
      channelIds: ["echo-m-1"],
      sent: { content: { text: "Hello" } },
      message: { content: { text: "Hello, fixed", format: "text" }, attachments: [] },
    });
    expect(recorder.delivered.map((r) => r.body)).toEqual([
      { id: "m-1", status: "sent", channelIds: ["echo-m-1"], hostData },
      { id: "m-1", status: "sent", channelIds: ["echo-m-1-edited"], hostData, operation: "edit" },
    ]);
  });

  it("runs two edits and a removal of one message in the order they came", async () => {
    const { gateway, runtime, tenant, crm } = await start(true);
    // Each edit leaves the message with other ids: the next operation is given those.
    gateway.behaviour.edit = async (request) => [`${request.channelIds[0]}+`];
    await runtime.messages.accept(tenant, message("m-2"));
    await runtime.messages.edit(tenant, "m-2", content("one"), { operationKey: "a" });
    await runtime.messages.edit(tenant, "m-2", content("two"), { operationKey: "b" });
    expect(await runtime.messages.remove(tenant, "m-2", { operationKey: "delete" })).toBe("queued");
    await crm.waitFor(() => gateway.log.length === 4);
    expect(
      gateway.log.map((l) => `${l.action}:${(l.request as EditRequest | undefined)?.message?.content?.text ?? ""}`),
    ).toEqual(["send:", "edit:one", "edit:two", "remove:"]);
    const sentId = (gateway.log[1]!.request as EditRequest).channelIds[0]!;
    expect((gateway.log[2]!.request as EditRequest).channelIds).toEqual([`${sentId}+`]);
    expect((gateway.log[3]!.request as RemoveRequest).channelIds).toEqual([`${sentId}++`]);
  });

  it("reports an edit the channel refused for good as an error with its reason", async () => {
    const { gateway, recorder, runtime, tenant, crm } = await start(true);
    gateway.behaviour.edit = async () => {
      throw new ChannelRefusedError("message to edit not found", { permanent: true });
    };
    await runtime.messages.accept(tenant, message("m-3"));
    await runtime.messages.edit(tenant, "m-3", content("late"), { operationKey: "x" });
    await crm.waitFor(() => recorder.delivered.some((r) => r.kind === "status" && r.body.status === "error"));
    expect(recorder.delivered.at(-1)!.body).toMatchObject({
      id: "m-3",
      status: "error",
      operation: "edit",
      reason: expect.stringContaining("message to edit not found"),
    });
  });

  it("ignores, with a log line, edits of unknown or failed messages and of a channel that cannot edit", async () => {
    const { logger, lines } = capturedLogger();
    const { gateway, recorder, runtime, tenant, crm } = await start(true, logger);
    expect(await runtime.messages.edit(tenant, "never", content("x"), { operationKey: "k" })).toBe("unknown");
    gateway.echo.behave(async () => {
      throw new ChannelRefusedError("chat not found", { permanent: true });
    });
    await runtime.messages.accept(tenant, message("m-4"));
    await crm.waitFor(() => recorder.delivered.some((r) => r.kind === "status" && r.body.status === "error"));
    expect(await runtime.messages.edit(tenant, "m-4", content("x"), { operationKey: "k" })).toBe("failed");
    expect(await runtime.messages.remove(tenant, "m-4", { operationKey: "d" })).toBe("failed");
    expect(lines.filter((l) => String(l.msg).includes("ignored")).map((l) => l.crmMessageId)).toEqual([
      "never",
      "m-4",
      "m-4",
    ]);
    expect(gateway.log.filter((l) => l.action !== "send")).toEqual([]);
  });

  it("records and ignores edits for a channel without the capability", async () => {
    const { logger, lines } = capturedLogger();
    const { runtime, tenant, crm, recorder } = await start(false, logger);
    await runtime.messages.accept(tenant, message("m-5"));
    await crm.waitFor(() => recorder.delivered.length === 1);
    expect(await runtime.messages.edit(tenant, "m-5", content("x"), { operationKey: "k" })).toBe("unsupported");
    expect(await runtime.messages.remove(tenant, "m-5", { operationKey: "k" })).toBe("unsupported");
    expect(lines.filter((l) => String(l.msg).includes("not relayed"))).toHaveLength(2);
  });
});
