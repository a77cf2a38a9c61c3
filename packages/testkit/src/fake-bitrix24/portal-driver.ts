/**
 * @module fake-bitrix24/portal-driver — one fake portal as a test drives it: installs and uninstalls
 * the app, opens the connector's settings slider, plays the operator (writes, edits, deletes), switches
 * the connector off or deletes a line, and reads back what the app did.
 */
import { eventAuth, eventPayload, humanSize, portalAuth, type EventAuthOptions } from "./event-payloads.js";
import type { FakeBitrix24State, PostedEvent } from "./fake-state.js";
import type {
  ConnectorLine,
  DeliveryStatus,
  Dialogue,
  EventBinding,
  OperatorMessage,
  PortalState,
  ReceivedMessage,
  SystemMessage,
} from "./portal-state.js";
import { postEvent } from "./queue-server.js";
import { serveFile, type OperatorFile } from "./served-files.js";
import type { TokenPair } from "./tokens.js";

/** Where the app lives: the URL Bitrix24 posts `ONAPPINSTALL` to. */
export interface AppUrls {
  /** The installation event handler (local app: "initial installation path"). */
  install: string;
}

/** What `install` did. */
export interface InstallResult {
  event: PostedEvent;
  /** The tokens the event carried. */
  tokens: TokenPair;
  applicationToken: string;
}

/** What the settings handler answered. */
export interface SettingsAnswer {
  status: number;
  html: string;
  headers: Record<string, string>;
  event: PostedEvent;
}

/** What `operatorSays` posted. */
export interface OperatorSaid {
  imMessageId: number;
  imChatId: number;
  /** The text as sent, with the signature prefix. */
  text: string;
  /** One per bound handler (none when nothing is bound). */
  events: PostedEvent[];
}

/** Options of the operator's events. */
export interface OperatorOptions extends EventAuthOptions {
  /** The connector (default: the one active on the line). */
  connector?: string;
  /** The operator's name in the signature (default "Klaus Weber"). */
  operatorName?: string;
  /** The operator's portal user id (default 1). */
  operatorId?: number;
  /** Whether to prefix `[b]Name:[/b][br]` (default: the connector's `NEED_SIGNATURE`). */
  signature?: boolean;
}

/** A filter over received messages. */
export interface MessageFilter {
  line?: number;
  chatId?: string;
  userId?: string;
}

/** One fake portal. */
export interface FakePortal {
  readonly memberId: string;
  readonly domain: string;
  readonly state: PortalState;
  /** The `application_token` of the current install (null before install / after uninstall). */
  readonly applicationToken: string | null;
  /** Adds an open line and returns its id. */
  addLine(): number;
  /** Creates an incoming webhook (`<url>/rest/<user>/<code>/`): app-only methods refuse it. */
  addWebhook(userId?: number): string;
  /** Posts `ONAPPINSTALL` (form-encoded, with tokens and a new `application_token`) to `urls.install`. */
  install(urls: AppUrls, options?: { languageId?: string; version?: string; finish?: boolean }): Promise<InstallResult>;
  /** The full OAuth step 1: the parameters Bitrix24 redirects to `redirect_uri` with (`code` lives 30 s). */
  authorize(state?: string): Record<string, string>;
  /**
   * Opens the connector's settings slider on `line`: POSTs the `SETTING_CONNECTOR` placement to the
   * registered `PLACEMENT_HANDLER`, plus `form` fields (what the page's own form posts back).
   */
  openSettings(
    line: number,
    form?: Record<string, string | string[]> | URLSearchParams,
    options?: { connector?: string; applicationToken?: string; lang?: string },
  ): Promise<SettingsAnswer>;
  /** Posts `ONAPPUNINSTALL` (no tokens, only `application_token`) to its handlers, then forgets the app. */
  uninstall(options?: { clean?: boolean; applicationToken?: string }): Promise<PostedEvent[]>;
  /** The operator writes in the open-line chat of external `chatId`: `ONIMCONNECTORMESSAGEADD`. */
  operatorSays(
    line: number,
    chatId: string,
    text: string,
    files?: OperatorFile[],
    options?: OperatorOptions,
  ): Promise<OperatorSaid>;
  /** The operator edits a message: `ONIMCONNECTORMESSAGEUPDATE` with the app's external ids. */
  operatorEdits(imMessageId: number, text: string, options?: OperatorOptions): Promise<PostedEvent[]>;
  /** The operator deletes a message: `ONIMCONNECTORMESSAGEDELETE`. */
  operatorDeletes(imMessageId: number, options?: OperatorOptions): Promise<PostedEvent[]>;
  /** The admin switches the connector off on a line: `ONIMCONNECTORSTATUSDELETE`. */
  disconnectLine(line: number, options?: EventAuthOptions & { connector?: string }): Promise<PostedEvent[]>;
  /** The admin deletes the open line: `ONIMCONNECTORLINEDELETE` with a bare integer `data`. */
  deleteLine(line: number, options?: EventAuthOptions): Promise<PostedEvent[]>;
  /** Messages the app sent with `imconnector.send.messages`, oldest first. */
  messages(filter?: MessageFilter): ReceivedMessage[];
  /** The dialogues (open-line sessions) those messages opened. */
  dialogues(): Dialogue[];
  /** Whether `send.status.delivery` arrived for an operator's message. */
  delivered(imMessageId: number): boolean;
  /** Delivery and reading statuses received (for one message, or all). */
  deliveries(imMessageId?: number): DeliveryStatus[];
  /** The operator's messages by im message id. */
  operatorMessage(imMessageId: number): OperatorMessage | undefined;
  /** `im.message.add` messages the app posted (to one im chat, or all). */
  systemMessages(imChatId?: number): SystemMessage[];
  /** A connector's state on a line. */
  connectorLine(connector: string, line: number): ConnectorLine | undefined;
  /** The event bindings. */
  bindings(): EventBinding[];
}

/** Builds the driver of one portal. */
export function portalDriver(state: FakeBitrix24State, portal: PortalState, baseUrl: () => string): FakePortal {
  const activeConnector = (line: number, wanted?: string): string => {
    if (wanted) return wanted.toLowerCase();
    const active = [...portal.connectorLines.values()].find((c) => c.line === line && c.active);
    if (active) return active.connector;
    const only = [...portal.connectors.keys()];
    if (only.length === 1) return only[0]!;
    throw new Error(`No connector is active on line ${line} of portal ${portal.memberId}`);
  };

  const post = async (event: string, data: unknown, options: EventAuthOptions) => {
    const posted: PostedEvent[] = [];
    // Bitrix24 delivers no events to an app whose install has not finished.
    if (!portal.installed) return posted;
    const auth = eventAuth(state, portal, baseUrl(), options);
    for (const binding of portal.handlersOf(event)) {
      posted.push(
        await postEvent(state, {
          memberId: portal.memberId,
          event,
          url: binding.handler,
          payload: eventPayload(state, event, binding.id, data, auth),
        }),
      );
    }
    return posted;
  };

  const dialogueFor = (connector: string, line: number, chatId: string): Dialogue => {
    const found = [...portal.dialogues]
      .reverse()
      .find((d) => d.connector === connector && d.line === line && d.chatId === chatId);
    if (found) return found;
    const created: Dialogue = {
      connector,
      line,
      chatId,
      userId: undefined,
      sessionId: state.id(),
      imChatId: state.id(),
      portalUserId: state.id(),
    };
    portal.dialogues.push(created);
    return created;
  };

  const signed = (connector: string, text: string, options: OperatorOptions): string => {
    const sign = options.signature ?? portal.connectors.get(connector)?.needSignature ?? true;
    return sign ? `[b]${options.operatorName ?? "Klaus Weber"}:[/b][br]${text}` : text;
  };

  const externalIds = (imMessageId: number): string[] =>
    [...portal.deliveries].reverse().find((d) => d.imMessageId === imMessageId)?.messageIds ?? [];

  const operatorMessage = (imMessageId: number): OperatorMessage => {
    const found = portal.operatorMessages.get(imMessageId);
    if (!found) throw new Error(`No operator message ${imMessageId} on portal ${portal.memberId}`);
    return found;
  };

  return {
    memberId: portal.memberId,
    get domain() {
      return portal.domain;
    },
    state: portal,
    get applicationToken() {
      return portal.applicationToken;
    },
    addLine() {
      const line = Math.max(0, ...portal.lines) + 1;
      portal.lines.add(line);
      return line;
    },
    addWebhook(userId = 1) {
      const code = state.secret(8);
      state.webhooks.set(code, { memberId: portal.memberId, userId });
      return `${baseUrl()}/rest/${userId}/${code}/`;
    },
    async install(urls, options = {}) {
      portal.applicationToken = state.secret();
      portal.installed = options.finish ?? true;
      if (options.languageId) portal.languageId = options.languageId;
      const tokens = state.tokens.issue({ memberId: portal.memberId, userId: 1 });
      const payload = eventPayload(
        state,
        "ONAPPINSTALL",
        null,
        {
          VERSION: options.version ?? "1",
          ACTIVE: "Y",
          INSTALLED: portal.installed ? "Y" : "N",
          LANGUAGE_ID: portal.languageId,
        },
        {
          access_token: tokens.accessToken,
          expires: tokens.expires,
          expires_in: tokens.expiresIn,
          scope: portal.scope.join(","),
          domain: portal.domain,
          server_endpoint: `${baseUrl()}/rest/`,
          status: portal.status,
          client_endpoint: `${baseUrl()}/rest/`,
          member_id: portal.memberId,
          user_id: 1,
          refresh_token: tokens.refreshToken,
          application_token: portal.applicationToken,
        },
      );
      const event = await postEvent(state, {
        memberId: portal.memberId,
        event: "ONAPPINSTALL",
        url: urls.install,
        payload,
        queued: false,
      });
      return { event, tokens, applicationToken: portal.applicationToken };
    },
    authorize(oauthState) {
      const code = state.tokens.issueCode({ memberId: portal.memberId, userId: 1 });
      return {
        code,
        ...(oauthState !== undefined ? { state: oauthState } : {}),
        domain: portal.domain,
        member_id: portal.memberId,
        scope: portal.scope.join(","),
        server_domain: new URL(baseUrl()).host,
      };
    },
    async openSettings(line, form, options = {}) {
      if (!portal.installed) throw new Error(`The app is not installed on portal ${portal.memberId}`);
      const connectorId = activeConnector(line, options.connector);
      const connector = portal.connectors.get(connectorId);
      if (!connector) throw new Error(`Connector ${connectorId} is not registered on portal ${portal.memberId}`);
      const lineState = portal.connectorLines.get(`${connectorId}\u0000${line}`);
      const active = lineState?.active ?? false;
      const connected = lineState?.connected ?? false;
      const registered = lineState?.registered ?? false;
      const error = lineState?.error ?? false;
      const tokens = state.tokens.issue({ memberId: portal.memberId, userId: 1 });
      const body = new URLSearchParams({
        AUTH_ID: tokens.accessToken,
        AUTH_EXPIRES: String(tokens.expiresIn),
        REFRESH_ID: tokens.refreshToken,
        SERVER_ENDPOINT: `${baseUrl()}/rest/`,
        APPLICATION_TOKEN: options.applicationToken ?? portal.applicationToken ?? "",
        APPLICATION_SCOPE: portal.scope.join(","),
        member_id: portal.memberId,
        status: portal.status,
        PLACEMENT: "SETTING_CONNECTOR",
        PLACEMENT_OPTIONS: JSON.stringify({
          CONNECTOR: connectorId,
          LINE: String(line),
          STATUS: active && connected && registered && !error,
          ACTIVE_STATUS: active,
          CONNECTION_STATUS: connected,
          REGISTER_STATUS: registered,
          ERROR_STATUS: error,
          URI: `/contact_center/connector/?ID=${connectorId}&LINE=${line}&IFRAME=Y&IFRAME_TYPE=SIDE_SLIDER`,
        }),
      });
      const extra = form instanceof URLSearchParams ? [...form] : Object.entries(form ?? {});
      for (const [key, value] of extra) for (const v of [value].flat()) body.append(key, v);
      const event = await postEvent(state, {
        memberId: portal.memberId,
        event: "PLACEMENT:SETTING_CONNECTOR",
        url: connector.placementHandler,
        query: new URLSearchParams({
          DOMAIN: portal.domain,
          PROTOCOL: "0",
          LANG: options.lang ?? portal.languageId,
          APP_SID: state.secret(),
        }),
        payload: body,
        queued: false,
      });
      return { status: event.status, html: event.answer ?? "", headers: event.headers ?? {}, event };
    },
    async uninstall(options = {}) {
      const auth = {
        ...portalAuth(portal, baseUrl()),
        application_token: options.applicationToken ?? portal.applicationToken ?? "",
      };
      const data = { LANGUAGE_ID: portal.languageId, CLEAN: options.clean === false ? 0 : 1 };
      const posted: PostedEvent[] = [];
      for (const binding of portal.handlersOf("ONAPPUNINSTALL")) {
        posted.push(
          await postEvent(state, {
            memberId: portal.memberId,
            event: "ONAPPUNINSTALL",
            url: binding.handler,
            payload: eventPayload(state, "ONAPPUNINSTALL", binding.id, data, auth),
            queued: false,
          }),
        );
      }
      portal.clearApp();
      state.tokens.revoke(portal.memberId);
      return posted;
    },
    async operatorSays(line, chatId, text, files = [], options = {}) {
      const connector = activeConnector(line, options.connector);
      const dialogue = dialogueFor(connector, line, chatId);
      const imMessageId = state.id();
      const body = signed(connector, text, options);
      portal.operatorMessages.set(imMessageId, {
        imMessageId,
        imChatId: dialogue.imChatId,
        connector,
        line,
        chatId,
        text: body,
        operatorId: options.operatorId ?? 1,
        deleted: false,
      });
      const fileFields = files.map((file) => {
        const served = serveFile(state, baseUrl(), file);
        const image = served.contentType.startsWith("image/");
        return {
          name: file.name,
          type: image ? "image" : "file",
          mime: served.contentType,
          link: served.url,
          size: file.bytes.length,
          sizef: humanSize(file.bytes.length),
          ...(file.width !== undefined ? { width: file.width } : {}),
          ...(file.height !== undefined ? { height: file.height } : {}),
        };
      });
      const events = await post(
        "ONIMCONNECTORMESSAGEADD",
        {
          CONNECTOR: connector,
          LINE: line,
          MESSAGES: [
            {
              im: { chat_id: dialogue.imChatId, message_id: imMessageId },
              message: {
                user_id: options.operatorId ?? 1,
                text: body,
                ...(fileFields.length ? { files: fileFields } : {}),
              },
              chat: { id: chatId },
            },
          ],
        },
        { ...options, userId: options.userId ?? options.operatorId },
      );
      return { imMessageId, imChatId: dialogue.imChatId, text: body, events };
    },
    async operatorEdits(imMessageId, text, options = {}) {
      const message = operatorMessage(imMessageId);
      message.text = signed(message.connector, text, options);
      return post(
        "ONIMCONNECTORMESSAGEUPDATE",
        {
          CONNECTOR: message.connector,
          LINE: message.line,
          MESSAGES: [
            {
              im: { chat_id: message.imChatId, message_id: imMessageId },
              message: { id: externalIds(imMessageId), text: message.text },
              chat: { id: message.chatId },
            },
          ],
        },
        options,
      );
    },
    async operatorDeletes(imMessageId, options = {}) {
      const message = operatorMessage(imMessageId);
      message.deleted = true;
      return post(
        "ONIMCONNECTORMESSAGEDELETE",
        {
          CONNECTOR: message.connector,
          LINE: message.line,
          MESSAGES: [
            {
              im: { chat_id: message.imChatId, message_id: imMessageId },
              message: { id: externalIds(imMessageId)[0] ?? "" },
              chat: { id: message.chatId },
            },
          ],
        },
        options,
      );
    },
    async disconnectLine(line, options = {}) {
      const connector = activeConnector(line, options.connector);
      const lineState = portal.connectorLine(connector, line);
      lineState.active = false;
      return post("ONIMCONNECTORSTATUSDELETE", { connector, line }, options);
    },
    async deleteLine(line, options = {}) {
      const events = await post("ONIMCONNECTORLINEDELETE", line, options);
      portal.lines.delete(line);
      for (const [key, c] of portal.connectorLines) if (c.line === line) portal.connectorLines.delete(key);
      return events;
    },
    messages(filter = {}) {
      return portal.received.filter(
        (m) =>
          (filter.line === undefined || m.line === filter.line) &&
          (filter.chatId === undefined || m.chatId === filter.chatId) &&
          (filter.userId === undefined || m.userId === filter.userId),
      );
    },
    dialogues: () => [...portal.dialogues],
    delivered: (imMessageId) => portal.deliveries.some((d) => d.kind === "delivery" && d.imMessageId === imMessageId),
    deliveries: (imMessageId) =>
      portal.deliveries.filter((d) => imMessageId === undefined || d.imMessageId === imMessageId),
    operatorMessage: (imMessageId) => portal.operatorMessages.get(imMessageId),
    systemMessages: (imChatId) =>
      portal.systemMessages.filter((m) => imChatId === undefined || m.dialogId === `chat${imChatId}`),
    connectorLine: (connector, line) => portal.connectorLines.get(`${connector.toLowerCase()}\u0000${line}`),
    bindings: () => [...portal.bindings],
  };
}
