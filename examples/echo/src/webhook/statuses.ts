/**
 * @module webhook/statuses — the channel's delivery statuses of the messages we sent, as CRM statuses.
 *
 * Body: `{ "messageId": "<the id POST /messages answered>", "status": "delivered" | "read" | "failed",
 * "reason"?: "…" }`. Core keeps statuses forward-only and reports each once, so a late or repeated
 * report changes nothing.
 */
import { WebhookInputError, type MessageStatus, type WebhookDefinition } from "@switchboard/core";
import { z } from "zod";
import type { EchoSettings } from "../settings/form.js";
import { STATUSES_ROUTE, WEBHOOK_BODY_LIMIT } from "./paths.js";
import { verifySignature } from "./signature.js";

/** The channel's status words and the CRM status each means. */
const CHANNEL_STATUSES = new Map<string, MessageStatus>([
  ["delivered", "delivered"],
  ["read", "read"],
  ["failed", "error"],
]);

/** The CRM status a channel status means; undefined for a word the channel does not define. */
export function mapChannelStatus(status: string): MessageStatus | undefined {
  return CHANNEL_STATUSES.get(status.trim().toLowerCase());
}

const statusSchema = z.object({
  messageId: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
  status: z.string().max(50),
  reason: z.string().max(1000).optional(),
});

/** The status webhook. */
export function statusesWebhook(): WebhookDefinition<EchoSettings> {
  return {
    path: STATUSES_ROUTE,
    maxBytes: WEBHOOK_BODY_LIMIT,
    verify: verifySignature,
    parse(request) {
      const body = request.json();
      if (body === undefined) throw new WebhookInputError("Echo: the body is not JSON");
      const parsed = statusSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new WebhookInputError(`Echo: ${issue.path.join(".") || "body"}: ${issue.message}`);
      }
      const status = mapChannelStatus(parsed.data.status);
      if (!status) {
        throw new WebhookInputError(`Echo: unknown status ${JSON.stringify(parsed.data.status.slice(0, 50))}`);
      }
      const reason =
        status === "error" ? `Echo: ${parsed.data.reason?.trim() || "the channel could not deliver it"}` : undefined;
      return {
        events: [{ kind: "status", channelMessageId: parsed.data.messageId, status, ...(reason ? { reason } : {}) }],
      };
    },
  };
}
