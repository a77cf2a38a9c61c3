/**
 * @module portal/open-lines — the company's Bitrix24 portal as its operator sees it: the Open Lines
 * chats our app opened with `imconnector.send.messages` (one dialogue per customer), the operator's
 * answers (posted to the app by the fake as `ONIMCONNECTORMESSAGEADD`, signature prefix included)
 * with their delivered marks, and the app's system notices (`im.message.add`). Everything is read
 * from the fake portal's records; the sandbox only adds the time it first saw each one.
 */
import type {
  FakeBitrix24,
  FakePortal,
  OperatorMessage,
  PostedEvent,
  ReceivedMessage,
  RecordedCall,
} from "@switchboard/testkit/bitrix24";
import { attachmentType, type StoredUpload } from "../files/upload-store.js";
import { watchArray } from "../customers/watch-array.js";
import type { DeliveryState, InboxAttachment } from "../inbox/types.js";
import type {
  CustomerEntry,
  NoticeEntry,
  OpenLineChat,
  OpenLineChatSummary,
  OpenLineEntry,
  OperatorEntry,
  PortalCall,
  PortalView,
} from "./types.js";

/** How many calls the calls panel can look back on. */
const CALL_HISTORY = 300;

/** Thrown when the operator writes in a chat the portal does not have. */
export class UnknownOpenLineChatError extends Error {
  constructor(id: number) {
    super(`No Open Lines chat ${id} on the portal`);
    this.name = "UnknownOpenLineChatError";
  }
}

/** What happened to an operator's event on its way to the app. */
interface Handover {
  status: DeliveryState;
  reason?: string;
  attachments: InboxAttachment[];
}

/** What {@link OpenLines} watches and whom it tells. */
export interface OpenLinesOptions {
  /** The fake Bitrix24; the view shows its first portal (`fake.portal`). */
  fake: FakeBitrix24;
  /** The operator's name in the signature prefix. */
  operatorName: string;
  /** A chat changed (a message, a mark, a notice); null when the chat is not known. */
  onChat: (chatId: number | null) => void;
  /** The portal's state may have changed (a REST call of our app, an event the portal posted). */
  onPortal: () => void;
}

/** The Bitrix24 side of the sandbox. */
export class OpenLines {
  // The fake keeps no times on its records: each gets the moment the sandbox first saw it.
  private readonly seen = new WeakMap<object, { at: number; order: number }>();
  private readonly handovers = new Map<number, Handover>();
  private readonly stops: Array<() => void>;
  private order = 0;

  private readonly portal: FakePortal;

  constructor(private readonly options: OpenLinesOptions) {
    this.portal = options.fake.portal;
    const state = this.portal.state;
    this.stops = [
      watchArray(state.received, (m) => this.notice(m, m.session.chatId)),
      watchArray(state.systemMessages, (m) => this.notice(m, imChatOf(m.dialogId))),
      watchArray(state.deliveries, (d) => options.onChat(d.imChatId)),
      // Installs, connector registrations and line changes all arrive as REST calls.
      watchArray(options.fake.state.calls, () => options.onPortal()),
      watchArray(options.fake.state.events, () => options.onPortal()),
    ];
  }

  /** The portal's member id, domain, install state, connectors and lines. */
  view(): PortalView {
    const state = this.portal.state;
    const connectors = [...state.connectors.values()].map((c) => ({ id: c.id, name: c.name }));
    const lines = [...state.lines]
      .sort((a, b) => a - b)
      .map((line) => {
        const found = [...state.connectorLines.values()].filter((c) => c.line === line);
        const current = found.find((c) => c.active) ?? found[0];
        return {
          line,
          connector: current?.connector ?? connectors[0]?.id ?? null,
          active: current?.active ?? false,
          connected: current?.connected ?? false,
          registered: current?.registered ?? false,
          error: current?.error ?? false,
        };
      });
    return {
      memberId: this.portal.memberId,
      domain: this.portal.domain,
      installed: state.installed,
      connectors,
      lines,
      events: [...new Set(state.bindings.map((b) => b.event))].sort(),
    };
  }

  /**
   * The newest REST calls our app made to the portal and the events and placements the portal
   * posted to our app, oldest first: names, statuses and errors only (bodies carry tokens).
   */
  calls(): PortalCall[] {
    const memberId = this.portal.memberId;
    const rest = this.options.fake.state.calls
      .filter((c) => c.memberId === memberId)
      .slice(-CALL_HISTORY)
      .map((c) => restCall(c));
    const posted = this.options.fake.state.events
      .filter((e) => e.memberId === memberId)
      .slice(-CALL_HISTORY)
      .map((e) => postedEvent(e));
    return [...rest, ...posted].sort((a, b) => a.at - b.at).slice(-CALL_HISTORY);
  }

  /** Every Open Lines chat, most recent first. */
  chats(): OpenLineChatSummary[] {
    return this.portal
      .dialogues()
      .map((d) => this.chat(d.imChatId)!)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map(({ entries, ...chat }) => {
        const last = entries.at(-1);
        return { ...chat, last: last ? { kind: last.kind, text: last.text, at: last.at } : null };
      });
  }

  /** One chat with its messages, oldest first. */
  chat(id: number): OpenLineChat | undefined {
    const dialogue = this.portal.dialogues().find((d) => d.imChatId === id);
    if (!dialogue) return undefined;
    const state = this.portal.state;
    const received = state.received.filter((m) => m.session.chatId === id);
    const entries: Array<OpenLineEntry & { order: number }> = [
      ...received.map((m, i) => this.customerEntry(m, i)),
      ...[...state.operatorMessages.values()].filter((m) => m.imChatId === id).map((m) => this.operatorEntry(m)),
      ...this.portal.systemMessages(id).map((m): NoticeEntry & { order: number } => ({
        kind: "notice",
        id: `s${m.id}`,
        text: m.message,
        ...this.stamp(m),
      })),
    ].sort((a, b) => a.order - b.order);
    const user = received[0]?.raw.user;
    return {
      id,
      connector: dialogue.connector,
      line: dialogue.line,
      chatId: dialogue.chatId,
      userId: dialogue.userId ?? null,
      name: dialogue.chatName ?? personName(user),
      entries: entries.map(({ order: _order, ...entry }) => entry),
      updatedAt: entries.at(-1)?.at ?? 0,
    };
  }

  /**
   * The operator writes in a chat (the fake signs it with the operator's name and posts
   * `ONIMCONNECTORMESSAGEADD` to the app's handlers); resolves once the app answered.
   */
  async operatorSays(id: number, text: string, files: StoredUpload[] = []): Promise<OperatorEntry> {
    const dialogue = this.portal.dialogues().find((d) => d.imChatId === id);
    if (!dialogue) throw new UnknownOpenLineChatError(id);
    const said = await this.portal.operatorSays(
      dialogue.line,
      dialogue.chatId,
      text,
      files.map((f) => ({ name: f.name, bytes: f.bytes, contentType: f.contentType })),
      { connector: dialogue.connector, operatorName: this.options.operatorName },
    );
    const handed = said.events.find((e) => e.status >= 200 && e.status < 300);
    const refused = said.events[0];
    this.handovers.set(said.imMessageId, {
      status: handed ? "sent" : "error",
      reason: handed
        ? undefined
        : refused
          ? `The app did not take the event: ${refused.status ? `it answered ${refused.status} ${(refused.answer ?? "").slice(0, 200)}` : (refused.error ?? "no answer")}`
          : "No app on this portal listens to ONIMCONNECTORMESSAGEADD (is the app installed?)",
      attachments: files.map((f) => ({ name: f.name, uri: `/${f.path}`, type: attachmentType(f.contentType) })),
    });
    this.options.onChat(id);
    return this.operatorEntry(this.portal.operatorMessage(said.imMessageId)!);
  }

  /** Stops watching the fake. */
  close(): void {
    for (const stop of this.stops) stop();
  }

  private notice(record: object, chatId: number | null): void {
    this.stamp(record);
    this.options.onChat(chatId);
  }

  private stamp(record: object): { at: number; order: number } {
    let mark = this.seen.get(record);
    if (!mark) {
      this.order += 1;
      mark = { at: Date.now(), order: this.order };
      this.seen.set(record, mark);
    }
    return mark;
  }

  private customerEntry(m: ReceivedMessage, index: number): CustomerEntry & { order: number } {
    const latest = m.edits.at(-1);
    const files = latest && latest.files.length ? latest.files : m.files;
    return {
      kind: "customer",
      id: `c${m.session.chatId}-${index}`,
      text: latest?.text ?? m.text ?? null,
      attachments: files.map((f) => ({
        name: f.name ?? "file",
        uri: f.url,
        type: attachmentType(f.contentType ?? ""),
        reachable: f.reachable,
      })),
      edited: m.edits.length > 0,
      deleted: m.deleted,
      ...this.stamp(m),
    };
  }

  private operatorEntry(m: OperatorMessage): OperatorEntry & { order: number } {
    const marks = this.portal.deliveries(m.imMessageId);
    const handover = this.handovers.get(m.imMessageId);
    let status: DeliveryState = handover?.status ?? "queued";
    if (status !== "error" && marks.some((d) => d.kind === "delivery")) status = "delivered";
    if (status !== "error" && marks.some((d) => d.kind === "reading")) status = "read";
    return {
      kind: "operator",
      id: `o${m.imMessageId}`,
      imMessageId: m.imMessageId,
      text: m.text,
      attachments: handover?.attachments ?? [],
      status,
      ...(handover?.reason ? { reason: handover.reason } : {}),
      ...this.stamp(m),
    };
  }
}

/** `chat123` → 123 (an `im.message.add` DIALOG_ID of a chat), else null. */
function imChatOf(dialogId: string): number | null {
  const match = /^chat(\d+)$/.exec(dialogId);
  return match ? Number(match[1]) : null;
}

/** `user.name` and `user.last_name` of a `send.messages` element. */
function personName(user: unknown): string | null {
  if (typeof user !== "object" || user === null || Array.isArray(user)) return null;
  const parts = ["name", "last_name"].map((key) =>
    Object.hasOwn(user, key) ? String((user as Record<string, unknown>)[key] ?? "").trim() : "",
  );
  return parts.filter(Boolean).join(" ") || null;
}

function restCall(c: RecordedCall): PortalCall {
  return {
    at: c.at,
    direction: "to-portal",
    name: c.batch === undefined ? c.method : `${c.method} (in batch, ${c.batch})`,
    status: c.status,
    error: c.error ?? null,
    detail: `${c.transport} body, auth in ${c.auth}`,
  };
}

function postedEvent(e: PostedEvent): PortalCall {
  let path = e.url;
  try {
    path = new URL(e.url).pathname;
  } catch {
    // Not a URL: show it as it is.
  }
  return {
    at: e.at,
    direction: "to-app",
    name: e.event,
    status: e.status,
    error: e.dropped ? "dropped (never posted)" : (e.error ?? null),
    detail: `POST ${path}`,
  };
}
