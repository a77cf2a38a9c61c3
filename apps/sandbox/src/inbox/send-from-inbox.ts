/**
 * @module inbox/send-from-inbox — a manager's answer, sent the way a CRM sends it: `POST
 * /special/send` to the conversation's gateway with a signed token. The message shows as queued
 * at once; statuses from the gateway move it on, and a refusal marks it failed with the answer.
 */
import type { CrmSimulator } from "@switchboard/testkit";
import { tenantOf, type Channel } from "../channels.js";
import type { Draft, InboxStore } from "./inbox-store.js";
import type { InboxMessage } from "./types.js";

/** What sending needs: the CRM, the inbox and each channel's gateway URL. */
export interface SendDeps {
  crm: CrmSimulator;
  store: InboxStore;
  gatewayUrls: ReadonlyMap<Channel, string>;
}

/** Queues a message in a conversation and hands it to its gateway; resolves with the message. */
export async function sendFromInbox(deps: SendDeps, conversationId: string, draft: Draft): Promise<InboxMessage> {
  const message = deps.store.startOutgoing(conversationId, draft);
  const conversation = deps.store.conversationOf(message.id);
  if (!conversation) return message;
  const body = {
    chat: { id: conversation.id, contact: conversation.contact, subject: conversation.subject },
    message: {
      id: message.id,
      content: draft.text === "" ? null : { text: draft.text, format: draft.format },
      attachments: draft.attachments,
    },
  };
  try {
    const url = deps.gatewayUrls.get(conversation.channel);
    if (url === undefined) throw new Error(`No ${conversation.channel} gateway runs in this sandbox`);
    const response = await deps.crm.send(url, tenantOf(conversation.channel), body);
    if (response.status !== 202) {
      deps.store.applyStatus(
        message.id,
        "error",
        `The gateway refused it (${response.status}): ${await answerText(response)}`,
      );
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.store.applyStatus(message.id, "error", `The ${conversation.channel} gateway could not be reached: ${reason}`);
  }
  return message;
}

async function answerText(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: show the text itself.
  }
  return text.slice(0, 300) || "no details";
}
