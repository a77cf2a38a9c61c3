/**
 * @module inbox/crm-bridge — turns what the simulated CRM receives into the inbox: verified
 * `incoming` calls become customer messages, verified `status` calls move delivery ticks, and every
 * protocol call goes to the events panel.
 */
import type { CrmEvent, CrmSimulator, IncomingBody, StatusBody } from "@switchboard/testkit";
import { channelOf, type Channel } from "../channels.js";
import { CHANNELS } from "../gateways/list.js";
import type { InboxStore } from "./inbox-store.js";
import { toProtocolEvent, type ProtocolEvent } from "./protocol-events.js";

/** Why a message to a contact failed, as seen on the channel's side (the protocol carries no reason). */
export type FailureExplainer = (channel: Channel, contact: string) => string | undefined;

/** What the bridge needs. */
export interface CrmBridgeOptions {
  crm: CrmSimulator;
  store: InboxStore;
  /** Which channel a gateway URL belongs to (for calls without a tenant, like `/info`). */
  channelOfUrl: (url: string) => Channel | undefined;
  explainFailure: FailureExplainer;
  onProtocolEvent: (event: ProtocolEvent) => void;
}

/** How many protocol events the panel can look back on. */
const HISTORY = 300;

/** Subscribes to the simulator; `stop()` unsubscribes. `history()` is the newest events, oldest first. */
export function bridgeCrmToInbox(options: CrmBridgeOptions): { history(): ProtocolEvent[]; stop(): void } {
  const history: ProtocolEvent[] = [];
  const handle = (event: CrmEvent): void => {
    const shown = toProtocolEvent(event, options.channelOfUrl);
    history.push(shown);
    if (history.length > HISTORY) history.shift();
    options.onProtocolEvent(shown);
    if (event.direction !== "from-gateway") return;
    const channel = channelOf(event.ref, CHANNELS);
    const body = event.claims?.body;
    if (!channel || !body) return;
    if (event.kind === "incoming" && event.status === 201) receive(options.store, channel, body as IncomingBody);
    if (event.kind === "status" && event.status === 200) applyStatus(options, channel, body as StatusBody);
  };
  const unsubscribe = options.crm.onEvent(handle);
  return { history: () => [...history], stop: unsubscribe };
}

function receive(store: InboxStore, channel: Channel, body: IncomingBody): void {
  store.receive(channel, {
    chat: body.chat,
    content: body.message.content,
    attachments: (body.message.attachments ?? []).map((a) => ({ name: a.name, uri: a.uri, type: a.type })),
  });
}

function applyStatus(options: CrmBridgeOptions, channel: Channel, body: StatusBody): void {
  if (body.status !== "error") {
    options.store.applyStatus(body.id, body.status);
    return;
  }
  const conversation = options.store.conversationOf(body.id);
  const known = conversation?.messages.find((m) => m.id === body.id)?.reason;
  const reason = known ?? (conversation && options.explainFailure(channel, conversation.contact));
  options.store.applyStatus(body.id, "error", reason);
}
