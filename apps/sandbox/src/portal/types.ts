/**
 * @module portal/types — what the Bitrix24 view shows: the portal's Open Lines chats (one dialogue
 * per customer), their messages both ways, and the portal's state as the connector slider sees it.
 */
import type { DeliveryState, InboxAttachment } from "../inbox/types.js";

/** A customer's message: an element of `imconnector.send.messages` the portal accepted. */
export interface CustomerEntry {
  kind: "customer";
  id: string;
  at: number;
  /** BB-codes, as our app sent them. */
  text: string | null;
  /** Our signed links, with whether the portal could download them. */
  attachments: Array<InboxAttachment & { reachable: boolean }>;
  /** Changed by `imconnector.update.messages` (the newest text is shown). */
  edited: boolean;
  deleted: boolean;
}

/** An operator's message (`ONIMCONNECTORMESSAGEADD` to the app), with its delivery mark. */
export interface OperatorEntry {
  kind: "operator";
  id: string;
  imMessageId: number;
  at: number;
  /** BB-codes, with the `[b]Name:[/b][br]` signature prefix when the connector asks for it. */
  text: string;
  attachments: InboxAttachment[];
  /** `sent` once the app took the event; `delivered` / `read` from `send.status.delivery|reading`. */
  status: DeliveryState;
  /** Why the app did not take the event. */
  reason?: string;
}

/** A system message the app posted into the chat (`im.message.add`), e.g. "Not delivered". */
export interface NoticeEntry {
  kind: "notice";
  id: string;
  at: number;
  text: string;
}

/** One line of an Open Lines chat. */
export type OpenLineEntry = CustomerEntry | OperatorEntry | NoticeEntry;

/** An Open Lines chat: the dialogue of one external user on one line. */
export interface OpenLineChat {
  /** The dialogue's im chat id (what events carry as `im.chat_id`). */
  id: number;
  connector: string;
  line: number;
  /** The external chat id our app sent (`chat.id`). */
  chatId: string;
  /** The external user id (`user.id`). */
  userId: string | null;
  /** The customer's name as our app sent it (`user.name`, `user.last_name`), or the chat's name. */
  name: string | null;
  entries: OpenLineEntry[];
  updatedAt: number;
}

/** An Open Lines chat as the chat list shows it. */
export interface OpenLineChatSummary extends Omit<OpenLineChat, "entries"> {
  last: Pick<OpenLineEntry, "kind" | "text" | "at"> | null;
}

/** The connector on one open line, as `imconnector.activate` and `connector.data.set` left it. */
export interface PortalLine {
  line: number;
  connector: string | null;
  active: boolean;
  connected: boolean;
  registered: boolean;
  error: boolean;
}

/** The portal as the slider's header shows it. */
export interface PortalView {
  memberId: string;
  domain: string;
  /** Whether our app's install finished on the portal. */
  installed: boolean;
  /** Connectors our app registered (`imconnector.register`). */
  connectors: Array<{ id: string; name: string }>;
  lines: PortalLine[];
  /** Events our app bound (`event.bind`). */
  events: string[];
}

/** A REST call of our app to the portal, or an event (or placement) the portal posted to our app. */
export interface PortalCall {
  at: number;
  direction: "to-portal" | "to-app";
  /** The method, or the event's name (`PLACEMENT:SETTING_CONNECTOR` for the slider). */
  name: string;
  /** The HTTP status answered (0: no answer). */
  status: number;
  error: string | null;
  /** How it travelled: the body's encoding and where the token was, or the handler's path. */
  detail: string;
}
