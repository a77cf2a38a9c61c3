/**
 * @module routes/events-handler — `POST bitrix24/events`. Bitrix24's queue server posts each event
 * once and never retries it, so the handler checks `auth[application_token]` against the portal's
 * (constant time), stores what must be done (an operator's message goes into core's send queue,
 * idempotent per `im.message_id`; an operator's edit or delete too, when the channel can, to be
 * carried out after the message; line and portal state into the host's tables) and answers at once.
 */
import { createHash } from "node:crypto";
import type { Attachment, AttachmentType, ChatMessage } from "@switchboard/core";
import { parseEvent } from "../events/parse-event.js";
import type { MessageAddEvent, MessageUpdateEvent, OperatorFile } from "../events/schemas.js";
import { operatorTextToChannel } from "../format/operator-text.js";
import { openLine, type HostContext } from "../host/host-context.js";
import type { LineTenant } from "../host/ports.js";

/** The signed-link kind serving operator files (fetched from the portal when the channel downloads them). */
export const OPERATOR_FILE_KIND = "bitrix24";

/** What the host keeps with an operator's message for its status (core's `outgoing.host_data`). */
export interface OperatorMessageHostData {
  line: number;
  im: { chatId: number; messageId: number };
  /** Our external chat id (`chat.id` of the event). */
  chatId: string;
  operatorUserId?: number;
  /** The start of the message, for the "not delivered" notice. */
  excerpt: string;
}

/** The answer to one event post. */
export interface EventAnswer {
  status: 200 | 401;
  body: Record<string, unknown>;
}

/** Handles one event body; throws EventInputError (400) for a body that is not a well-formed event. */
export async function handleEvent(host: HostContext, body: string): Promise<EventAnswer> {
  const event = parseEvent(body);
  const memberId = event.event === "unsupported" ? event.memberId : event.auth.member_id;
  const token = event.event === "unsupported" ? tokenOf(body) : event.auth.application_token;
  if (!memberId || !(await host.portals.applicationTokenMatches(memberId, token))) {
    return {
      status: 401,
      body: { code: "unauthorized", message: "The application token does not belong to an installed portal" },
    };
  }
  const log = host.ports.logger.child({ memberId, bitrixEvent: event.event });
  switch (event.event) {
    case "ONIMCONNECTORMESSAGEADD": {
      if (event.data.CONNECTOR.toLowerCase() !== host.connector) return ignored("another connector");
      const tenant = await openLine(host, memberId, event.data.LINE);
      let fresh = 0;
      for (const item of event.data.MESSAGES) {
        if (await host.ports.messages.accept(tenant, ...operatorMessage(host, tenant, event.data.LINE, item))) fresh++;
      }
      return { status: 200, body: { ok: true, accepted: fresh, repeated: event.data.MESSAGES.length - fresh } };
    }
    case "ONIMCONNECTORMESSAGEUPDATE":
    case "ONIMCONNECTORMESSAGEDELETE": {
      if (event.data.CONNECTOR.toLowerCase() !== host.connector) return ignored("another connector");
      const { messages } = host.ports.gateway.capabilities;
      const update = event.event === "ONIMCONNECTORMESSAGEUPDATE";
      if (!(update ? messages.edit : messages.delete)) {
        // The channel cannot change a message it sent: recorded here, not relayed.
        log.info(
          { event: "bitrix24.change_not_relayed", line: event.data.LINE, messages: event.data.MESSAGES.length },
          "Bitrix24 operator edit or delete not relayed",
        );
        return ignored("edits and deletes are not relayed to this channel");
      }
      const tenant = await openLine(host, memberId, event.data.LINE);
      const outcomes: Record<string, number> = {};
      for (const item of event.data.MESSAGES) {
        const crmMessageId = String(item.im.message_id);
        const outcome =
          update && "text" in item.message
            ? await host.ports.messages.edit(
                tenant,
                crmMessageId,
                ...operatorEdit(host, event.data.LINE, event.ts, item as UpdateItem),
              )
            : await host.ports.messages.remove(tenant, crmMessageId, { operationKey: "delete" });
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome !== "queued")
          log.info(
            { event: "bitrix24.change_not_queued", line: event.data.LINE, crmMessageId, outcome },
            "Bitrix24 operator edit or delete not queued",
          );
      }
      return { status: 200, body: { ok: true, ...outcomes } };
    }
    case "ONIMCONNECTORSTATUSDELETE":
    case "ONIMCONNECTORLINEDELETE": {
      const line = event.data.line;
      const state = await host.lines.byLine(memberId, line);
      if (state) {
        const reason =
          event.event === "ONIMCONNECTORLINEDELETE"
            ? "The Open Line was deleted"
            : "The connector was switched off for this Open Line";
        await host.lines.update(state.tenantId, { active: false, connected: false, lastError: reason });
      }
      log.info({ event: "bitrix24.line_deactivated", line }, "Bitrix24 line deactivated");
      return { status: 200, body: { ok: true } };
    }
    case "ONAPPUNINSTALL":
      await host.portals.uninstall(memberId);
      await host.lines.deactivatePortal(memberId, "The app was uninstalled from the portal");
      host.rest.tokens.forget(memberId);
      log.info({ event: "bitrix24.uninstalled" }, "Bitrix24 portal uninstalled: its tokens are deleted");
      return { status: 200, body: { ok: true } };
    case "ONAPPINSTALL":
      return ignored("installs go to bitrix24/install");
    default:
      return ignored("event not handled");
  }
}

function ignored(reason: string): EventAnswer {
  return { status: 200, body: { ok: true, ignored: reason } };
}

function tokenOf(body: string): string | undefined {
  return new URLSearchParams(body).get("auth[application_token]") ?? undefined;
}

type AddItem = MessageAddEvent["data"]["MESSAGES"][number];
type UpdateItem = MessageUpdateEvent["data"]["MESSAGES"][number];

/**
 * An operator's edit as core's `messages.edit` takes it: the new text in the channel's format (the
 * files stay as sent), keyed by the event's time and text so the same event posted twice is stored
 * once, with the host data its delivery status needs.
 */
function operatorEdit(
  host: HostContext,
  line: number,
  ts: number | undefined,
  item: UpdateItem,
): [
  Pick<ChatMessage["message"], "content" | "attachments">,
  { operationKey: string; hostData: OperatorMessageHostData },
] {
  const converted =
    item.message.text.trim() === ""
      ? undefined
      : operatorTextToChannel(item.message.text, host.ports.gateway.capabilities.messages.formats);
  const digest = createHash("sha256").update(item.message.text).digest("hex").slice(0, 32);
  const hostData: OperatorMessageHostData = {
    line,
    im: { chatId: item.im.chat_id, messageId: item.im.message_id },
    chatId: item.chat.id,
    excerpt: (converted?.text ?? "").slice(0, 200),
    ...(item.message.user_id !== undefined ? { operatorUserId: item.message.user_id } : {}),
  };
  return [
    { content: converted ? { text: converted.text, format: converted.format } : null, attachments: [] },
    { operationKey: `update:${ts ?? ""}:${digest}`, hostData },
  ];
}

/** An operator's message as the gateway sends it, and what its status needs later. */
function operatorMessage(
  host: HostContext,
  tenant: LineTenant,
  line: number,
  item: AddItem,
): [ChatMessage, { hostData: OperatorMessageHostData }] {
  const { capabilities } = host.ports.gateway;
  const converted =
    item.message.text.trim() === ""
      ? undefined
      : operatorTextToChannel(item.message.text, capabilities.messages.formats);
  const attachments = item.message.files.map((file) => attachmentOf(host, tenant, file, capabilities.attachments));
  const hostData: OperatorMessageHostData = {
    line,
    im: { chatId: item.im.chat_id, messageId: item.im.message_id },
    chatId: item.chat.id,
    excerpt: (converted?.text ?? item.message.files.map((f) => f.name ?? "file").join(", ")).slice(0, 200),
    ...(item.message.user_id !== undefined ? { operatorUserId: item.message.user_id } : {}),
  };
  return [
    {
      chat: { id: item.chat.id, contact: item.chat.id, subject: null },
      message: {
        id: String(item.im.message_id),
        content: converted ? { text: converted.text, format: converted.format } : null,
        attachments,
      },
    },
    { hostData },
  ];
}

function attachmentOf(
  host: HostContext,
  tenant: LineTenant,
  file: OperatorFile,
  supported: readonly AttachmentType[],
): Attachment {
  const name = (file.name ?? "file").slice(0, 255);
  const type: AttachmentType = file.type === "image" && supported.includes("image") ? "image" : "file";
  return { name, type, uri: host.ports.files.link(tenant, OPERATOR_FILE_KIND, file.link, { fileName: name }) };
}
