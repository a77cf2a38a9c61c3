/**
 * @module fake-bitrix24/portal-state — what one fake portal knows and records: its open lines, the
 * connectors the app registered, each connector's state per line, event bindings, the dialogues the
 * app's messages opened, the operator's messages, their delivery statuses and system messages.
 */
import type { FormValue } from "./form-codec.js";

/** The app status letters Bitrix24 reports (`L` local, `F` free, `D` demo, `T` trial, `P` paid). */
export type AppStatus = "L" | "F" | "D" | "T" | "P";

/** A connector as `imconnector.register` stored it. */
export interface ConnectorRegistration {
  /** The lower-cased ID. */
  id: string;
  name: string;
  icon: FormValue;
  iconDisabled?: FormValue;
  placementHandler: string;
  chatGroup: boolean;
  needSignature: boolean;
  /** Every parameter as received. */
  params: Record<string, FormValue>;
}

/** A connector's state on one open line. */
export interface ConnectorLine {
  connector: string;
  line: number;
  active: boolean;
  /** Raised by `imconnector.connector.data.set`. */
  connected: boolean;
  registered: boolean;
  error: boolean;
  /** The last `DATA` of `imconnector.connector.data.set` (overwritten whole). */
  data: Record<string, FormValue> | null;
}

/** An `event.bind` registration. */
export interface EventBinding {
  /** The handler's id (events carry it as `event_handler_id`). */
  id: number;
  /** Upper-cased event name, as `event.get` lists it. */
  event: string;
  handler: string;
}

/** A file of an incoming message and whether the fake could download it. */
export interface ReceivedFile {
  url: string;
  name?: string;
  /** HTTP status of the download, 0 when the request failed. */
  status: number;
  reachable: boolean;
  bytes: number;
  contentType: string | null;
  /** Why the download failed, when it did. */
  error?: string;
}

/** One element of `imconnector.send.messages` the portal accepted. */
export interface ReceivedMessage {
  connector: string;
  line: number;
  /** External chat id (`chat.id`). */
  chatId: string;
  /** External user id (`user.id`). */
  userId: string;
  /** `message.id` (external). */
  messageId: string | undefined;
  text: string | undefined;
  date: number | undefined;
  files: ReceivedFile[];
  /** The whole element as received. */
  raw: Record<string, FormValue>;
  /** The dialogue (open-line session) it went into. */
  session: { id: number; chatId: number };
  /** How many times `update.messages` changed it. */
  edits: Array<{ text?: string; files: ReceivedFile[] }>;
  deleted: boolean;
}

/** An open-line dialogue: per `user.id`, or per `chat.id` when the connector has `CHAT_GROUP`. */
export interface Dialogue {
  connector: string;
  line: number;
  /** The external chat id of its first message. */
  chatId: string;
  /** The external user id (undefined for a group dialogue keyed by chat). */
  userId: string | undefined;
  sessionId: number;
  /** The im chat id (what events carry as `im.chat_id`). */
  imChatId: number;
  /** The portal user created for the external user. */
  portalUserId: number;
  chatName?: string;
}

/** A message an operator wrote (sent to the app as `ONIMCONNECTORMESSAGEADD`). */
export interface OperatorMessage {
  imMessageId: number;
  imChatId: number;
  connector: string;
  line: number;
  chatId: string;
  text: string;
  operatorId: number;
  deleted: boolean;
}

/** One `imconnector.send.status.delivery` (or `.reading`) element. */
export interface DeliveryStatus {
  kind: "delivery" | "reading";
  connector: string;
  line: number;
  imChatId: number;
  imMessageId: number;
  /** External ids, always an array (the portal refuses anything else). */
  messageIds: string[];
  chatId: string | undefined;
  date: number | undefined;
}

/** An `im.message.add` the app posted. */
export interface SystemMessage {
  id: number;
  dialogId: string;
  message: string;
  system: boolean;
  params: Record<string, FormValue>;
}

/** The state of one portal. */
export class PortalState {
  status: AppStatus;
  languageId: string;
  scope: string[];
  /** Set by the install driver; events and placements need it. */
  installed = false;
  applicationToken: string | null = null;
  readonly lines = new Set<number>();
  readonly connectors = new Map<string, ConnectorRegistration>();
  readonly connectorLines = new Map<string, ConnectorLine>();
  readonly bindings: EventBinding[] = [];
  readonly dialogues: Dialogue[] = [];
  readonly received: ReceivedMessage[] = [];
  readonly operatorMessages = new Map<number, OperatorMessage>();
  readonly deliveries: DeliveryStatus[] = [];
  readonly systemMessages: SystemMessage[] = [];
  /** Portal users per external user id (the portal creates one per external user). */
  readonly externalUsers = new Map<string, number>();

  constructor(
    readonly memberId: string,
    public domain: string,
    options: { status: AppStatus; languageId: string; scope: string[]; lines: number[] },
  ) {
    this.status = options.status;
    this.languageId = options.languageId;
    this.scope = options.scope;
    for (const line of options.lines) this.lines.add(line);
  }

  /** The connector's state on a line, created inactive on first use. */
  connectorLine(connector: string, line: number): ConnectorLine {
    const key = `${connector}\u0000${line}`;
    let found = this.connectorLines.get(key);
    if (!found) {
      found = { connector, line, active: false, connected: false, registered: false, error: false, data: null };
      this.connectorLines.set(key, found);
    }
    return found;
  }

  /** Whether the connector is active on an existing line. */
  lineActive(connector: string, line: number): boolean {
    return this.lines.has(line) && this.connectorLines.get(`${connector}\u0000${line}`)?.active === true;
  }

  /** The bindings of an event. */
  handlersOf(event: string): EventBinding[] {
    const upper = event.toUpperCase();
    return this.bindings.filter((b) => b.event === upper);
  }

  /** Forgets what the app set up (uninstall): connectors, bindings, tokens are revoked elsewhere. */
  clearApp(): void {
    this.installed = false;
    this.applicationToken = null;
    this.connectors.clear();
    this.connectorLines.clear();
    this.bindings.length = 0;
  }
}
