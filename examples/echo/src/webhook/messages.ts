/**
 * @module webhook/messages — customer messages the channel posts, forwarded to the CRM once per event id.
 *
 * Body: `{ "id": "<event id>", "from": "<contact>", "name"?: "<display name>", "text"?: "…",
 * "attachments"?: [{ "url": "<file on the channel>", "name"?: "…", "contentType"?: "…" }] }`.
 */
import {
  WebhookInputError,
  type Attachment,
  type GatewayRuntime,
  type Tenant,
  type WebhookDefinition,
} from "@switchboard/core";
import { z } from "zod";
import { MEDIA_FILES } from "../files/media.js";
import type { EchoSettings } from "../settings/form.js";
import { MESSAGES_ROUTE, WEBHOOK_BODY_LIMIT } from "./paths.js";
import { verifySignature } from "./signature.js";

/** At most this many files per message (each becomes a signed link for the CRM). */
export const MAX_ATTACHMENTS = 10;

const messageSchema = z.object({
  id: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
  from: z.string().trim().min(1).max(256),
  name: z.string().trim().max(200).optional(),
  text: z.string().max(100_000).optional(),
  attachments: z
    .array(
      z.object({
        url: z.string().url().max(2048),
        name: z.string().max(255).optional(),
        contentType: z.string().max(255).optional(),
      }),
    )
    .max(MAX_ATTACHMENTS)
    .optional(),
});

/** The incoming-message webhook. */
export function messagesWebhook(runtime: GatewayRuntime<EchoSettings>): WebhookDefinition<EchoSettings> {
  return {
    path: MESSAGES_ROUTE,
    maxBytes: WEBHOOK_BODY_LIMIT,
    verify: verifySignature,
    parse(request, tenant) {
      const body = request.json();
      if (body === undefined) throw new WebhookInputError("Echo: the body is not JSON");
      const parsed = messageSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new WebhookInputError(`Echo: ${issue.path.join(".") || "body"}: ${issue.message}`);
      }
      const event = parsed.data;
      const text = event.text ?? "";
      const files = event.attachments ?? [];
      if (!text && files.length === 0) throw new WebhookInputError("Echo: a message needs a text or attachments");
      return {
        events: [
          {
            kind: "incoming",
            externalId: event.id, // a redelivered event reaches the CRM once
            message: {
              chat: { contact: event.from },
              message: {
                content: text ? { text, format: "text" } : null,
                attachments: files.map((file, i) => attachmentOf(runtime, tenant, file, i)),
              },
              ...(event.name ? { customer: { name: event.name } } : {}),
            },
          },
        ],
      };
    },
  };
}

/** A customer's file as the CRM gets it: a signed link of ours that fetches it from the channel with the tenant's key. */
function attachmentOf(
  runtime: GatewayRuntime<EchoSettings>,
  tenant: Tenant<EchoSettings>,
  file: { url: string; name?: string; contentType?: string },
  index: number,
): Attachment {
  const name = file.name?.trim() || `file-${index + 1}`;
  return {
    name,
    uri: runtime.files.link(tenant, MEDIA_FILES, file.url, { fileName: name }),
    type: file.contentType?.toLowerCase().startsWith("image/") ? "image" : "file",
  };
}
