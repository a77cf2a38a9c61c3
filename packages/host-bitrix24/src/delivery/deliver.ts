/**
 * @module delivery/deliver — the Bitrix24 host's side of core's outbox: a customer's message goes
 * to the Open Line with `imconnector.send.messages`, a channel's "sent / delivered / read" for an
 * operator's message becomes `imconnector.send.status.delivery` (ids always an array), and a failed
 * send becomes a system message to the operator in that chat (`im.message.add`; Bitrix24 has no
 * per-message error status, see the package README), falling back to a notification to the operator.
 */
import { CrmRefusedError, type Attachment, type MessageContent } from "@switchboard/core";
import { customerTextToBbcode } from "../format/customer-text.js";
import { languageOf } from "../host/language.js";
import { parseLineKey, type HostContext } from "../host/host-context.js";
import type { LineTenant } from "../host/ports.js";
import { deliveryStatusItem } from "../messages/delivery-status.js";
import { readSendMessagesResult, sendMessagesItem } from "../messages/send-messages.js";
import { undeliveredNotice, undeliveredNotification } from "../messages/undelivered-notice.js";
import { NeedsReauthorisationError } from "../oauth/errors.js";
import { PortalRefusedError } from "../rest/errors.js";
import type { OperatorMessageHostData } from "../routes/events-handler.js";
import { PortalRefusedMessageError, PortalUninstalledError, UnreadableOutboxRequestError } from "./delivery-errors.js";
import { LineBatcher } from "./line-batcher.js";

/** A host-neutral outbox request (core's `OutboxRequest`). */
export type HostOutboxRequest =
  | {
      kind: "incoming";
      body: {
        chat: { id?: string | null; contact: string; subject?: string | null };
        message: { content: MessageContent | null; attachments: Attachment[] };
        /** The customer's name as the channel gave it: the Open Lines dialogue is named by it. */
        customer?: { name: string };
      };
    }
  | {
      kind: "status";
      body: { id: string; status: string; reason?: string; channelIds?: string[]; hostData?: unknown };
    };

/** Delivers outbox requests for the host; one per process. */
export class Bitrix24Delivery {
  private readonly batcher: LineBatcher;

  constructor(private readonly host: HostContext) {
    this.batcher = new LineBatcher(async (memberId, method, params) => {
      const answer = await host.rest.client.call(memberId, method, params);
      return answer.result;
    });
  }

  /**
   * Delivers one request; throws a named error saying whether a retry can help. The portal's own
   * refusals reach the outbox as core's CrmRefusedError, so its wait (QUERY_LIMIT_EXCEEDED,
   * OPERATION_TIME_LIMIT) is the outbox's next retry time. `requestId` is the outbox request's
   * own id, the same on every attempt (core's `DeliveryContext.requestId`).
   */
  async deliver(request: HostOutboxRequest, tenant: LineTenant, requestId: string): Promise<void> {
    try {
      await this.deliverOnce(request, tenant, requestId);
    } catch (error) {
      if (!(error instanceof PortalRefusedError)) throw error;
      throw new CrmRefusedError(error.message, {
        permanent: !error.retryable,
        status: error.status,
        code: error.code,
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
        cause: error,
      });
    }
  }

  private async deliverOnce(request: HostOutboxRequest, tenant: LineTenant, requestId: string): Promise<void> {
    const target = parseLineKey(tenant.key);
    if (!target) throw new UnreadableOutboxRequestError(`Tenant ${tenant.id} is not a Bitrix24 Open Line`);
    const portal = await this.host.portals.info(target.memberId);
    if (!portal?.installed)
      throw new PortalUninstalledError(`The app is not installed in Bitrix24 portal ${target.memberId}`);
    // Its work waits (retried with backoff) until an administrator re-authorises it: nothing is dropped.
    if (portal.needsReauthorisation) throw new NeedsReauthorisationError(target.memberId);
    if (request.kind === "incoming") return this.customerMessage(request.body, target, requestId);
    const { status, hostData } = request.body;
    const data = operatorData(hostData);
    if (!data) throw new UnreadableOutboxRequestError("The status has no Bitrix24 message to refer to");
    if (status === "error") return this.undelivered(target.memberId, portal.languageId, data, request.body.reason);
    if (status === "sent" || status === "delivered" || status === "read") {
      return this.batcher.add(
        { ...target, connector: this.host.connector, method: "imconnector.send.status.delivery", read: allOrNothing },
        deliveryStatusItem({ im: data.im, channelMessageIds: request.body.channelIds ?? [], chatId: data.chatId }),
      );
    }
    throw new UnreadableOutboxRequestError(`Unknown message status ${JSON.stringify(status).slice(0, 40)}`);
  }

  private customerMessage(
    body: Extract<HostOutboxRequest, { kind: "incoming" }>["body"],
    target: { memberId: string; line: number },
    requestId: string,
  ): Promise<void> {
    const contact = body.chat.contact;
    const text = body.message.content
      ? customerTextToBbcode(body.message.content.text, body.message.content.format)
      : "";
    const item = sendMessagesItem({
      user: { id: contact, ...(body.customer ? { name: body.customer.name } : {}) },
      chat: { id: contact, ...(body.chat.subject ? { name: body.chat.subject } : {}) },
      message: {
        // The same id on every attempt: a retry after a lost answer names the message the portal may
        // already have, never a second one.
        id: `switchboard-${requestId}`,
        date: new Date(this.host.now()),
        text,
        files: body.message.attachments.map((a) => ({ url: a.uri, name: a.name })),
      },
    });
    return this.batcher.add(
      { ...target, connector: this.host.connector, method: "imconnector.send.messages", read: perMessage },
      item,
    );
  }

  private async undelivered(
    memberId: string,
    languageId: string | undefined,
    data: OperatorMessageHostData,
    reason: string | undefined,
  ): Promise<void> {
    const language = languageOf(languageId);
    const why = reason ?? "the channel did not take the message";
    const notice = undeliveredNotice({ imChatId: data.im.chatId, reason: why, excerpt: data.excerpt, language });
    try {
      await this.host.rest.client.call(memberId, notice.method, notice.params);
    } catch (error) {
      // The app's user may have no access to the chat; the operator still hears of it directly.
      if (!(error instanceof PortalRefusedError) || error.retryable || data.operatorUserId === undefined) throw error;
      const fallback = undeliveredNotification({
        operatorUserId: data.operatorUserId,
        reason: why,
        excerpt: data.excerpt,
        language,
        tag: `switchboard-undelivered-${data.im.messageId}`,
      });
      await this.host.rest.client.call(memberId, fallback.method, fallback.params);
    }
  }
}

function perMessage(result: unknown, count: number): Array<Error | undefined> {
  return readSendMessagesResult(result, count).map((outcome) =>
    outcome.ok
      ? undefined
      : new PortalRefusedMessageError(`Bitrix24 refused the message: ${outcome.error ?? "no reason given"}`),
  );
}

function allOrNothing(result: unknown, count: number): Array<Error | undefined> {
  const record = result !== null && typeof result === "object" ? (result as Record<string, unknown>) : {};
  const ok = result === true || record.SUCCESS === true || record.SUCCESS === "Y";
  return Array.from({ length: count }, () =>
    ok ? undefined : new PortalRefusedMessageError("Bitrix24 did not confirm the delivery status"),
  );
}

/** The host data stored with an operator's message, when it has the expected shape. */
function operatorData(value: unknown): OperatorMessageHostData | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  const im = v.im as Record<string, unknown> | undefined;
  if (!im || typeof im !== "object" || !Number.isSafeInteger(im.chatId) || !Number.isSafeInteger(im.messageId))
    return undefined;
  if (typeof v.chatId !== "string" || !Number.isSafeInteger(v.line)) return undefined;
  return {
    line: v.line as number,
    im: { chatId: im.chatId as number, messageId: im.messageId as number },
    chatId: v.chatId,
    excerpt: typeof v.excerpt === "string" ? v.excerpt : "",
    ...(Number.isSafeInteger(v.operatorUserId) ? { operatorUserId: v.operatorUserId as number } : {}),
  };
}
