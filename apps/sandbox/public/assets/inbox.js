// The inbox: chat list, conversation with delivery ticks, composer, and the protocol events panel.
import {
  api,
  attachmentView,
  channelIcon,
  channelLabel,
  coalesce,
  el,
  formatTime,
  live,
  markdownPreview,
  renderKeyed,
  safeHtml,
  sandboxChannels,
  showError,
} from "./common.js";
import { bindAnswerComposer, chatListItem, messageItem } from "./chat-parts.js";

const state = {
  conversations: [],
  current: null,
  currentId: decodeURIComponent(location.hash.slice(1)) || null,
  eventFilter: "",
};
const $ = (id) => document.getElementById(id);

// ---- chat list ----

const refreshList = coalesce(async () => {
  state.conversations = await api("GET", "/api/conversations");
  renderList();
});

function renderList() {
  const list = $("chat-list");
  $("no-chats").hidden = state.conversations.length > 0;
  list.replaceChildren(
    ...state.conversations.map((c) => {
      const last = c.last;
      const shown = last?.text && last.format === "html" ? safeHtml(last.text, "mail").textContent : last?.text;
      const preview = !last
        ? ""
        : `${last.direction === "out" ? "You: " : ""}${shown ?? (last.attachments ? "Attachment" : "")}`;
      return chatListItem({
        id: c.id,
        channel: c.channel,
        icon: channelIcon(c.channel),
        name: c.name || c.contact,
        contact: c.name ? c.contact : null,
        subject: c.subject,
        preview,
        at: last?.at,
        unread: c.unread,
        current: c.id === state.currentId,
        onOpen: () => openConversation(c.id),
      });
    }),
  );
}

// ---- conversation ----

async function openConversation(id) {
  state.currentId = id;
  history.replaceState(null, "", `#${encodeURIComponent(id)}`);
  showError($("composer-error"), null);
  await refreshCurrent();
  renderList();
  $("composer-text").focus();
}

const refreshCurrent = coalesce(async () => {
  if (!state.currentId) return;
  try {
    state.current = await api("GET", `/api/conversations/${encodeURIComponent(state.currentId)}`);
  } catch {
    state.current = null;
    state.currentId = null;
  }
  renderConversation();
  if (state.current?.unread > 0 && document.visibilityState === "visible") {
    await api("POST", `/api/conversations/${encodeURIComponent(state.current.id)}/read`);
  }
});

function renderConversation() {
  const c = state.current;
  $("composer").hidden = !c;
  if (!c) {
    $("conversation-title").textContent = "No chat selected";
    $("conversation-meta").textContent = "Pick a chat on the left, or start one with “New chat”.";
    $("messages").replaceChildren();
    return;
  }
  const title = $("conversation-title");
  title.replaceChildren(channelIcon(c.channel), " ", c.name || c.contact);
  $("conversation-meta").textContent = [
    channelLabel(c.channel),
    c.contact,
    c.subject && `Subject: ${c.subject}`,
    `chat id ${c.id}`,
  ]
    .filter(Boolean)
    .join(" · ");
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (list.dataset.conversation !== c.id) list.replaceChildren();
  renderKeyed(list, c.messages, (m) => m.id, messageView);
  if (atBottom || list.dataset.conversation !== c.id) list.scrollTop = list.scrollHeight;
  list.dataset.conversation = c.id;
}

function messageView(m) {
  const body = el("div", { class: "msg-body" });
  if (m.text !== null) {
    if (m.format === "html") body.append(safeHtml(m.text, "mail"));
    else if (m.format === "markdown") body.append(markdownPreview(m.text));
    else body.append(m.text);
  }
  const failed = m.status === "error";
  return messageItem({
    id: m.id,
    direction: m.direction,
    body,
    files: m.attachments.map((a) => attachmentView({ url: a.uri, name: a.name, type: a.type })),
    badge: m.format !== "text" ? m.format : null,
    at: m.at,
    status: m.status,
    reason: failed
      ? m.reason || "The gateway reported an error (the protocol's status call carries no reason)"
      : m.reason || null,
  });
}

// ---- composer ----

bindAnswerComposer(async ({ text, files }) => {
  if (!state.current) return;
  const format = $("composer-format").value;
  await api("POST", `/api/conversations/${encodeURIComponent(state.current.id)}/messages`, { text, format, files });
});

// ---- new chat (the CRM writes first) ----

const newChat = $("new-chat");
const placeholders = {};
const bySubject = new Set();
sandboxChannels().then((channels) => {
  for (const c of channels) {
    placeholders[c.channel] = c.contactPlaceholder;
    if (c.threadsBySubject) bySubject.add(c.channel);
    $("new-chat-channel").append(el("option", { value: c.channel }, c.label));
    $("event-filter").append(el("option", { value: c.channel }, c.label));
  }
  $("new-chat-contact").placeholder = placeholders[$("new-chat-channel").value] ?? "";
});
$("new-chat-toggle").addEventListener("click", () => {
  newChat.hidden = !newChat.hidden;
  $("new-chat-toggle").setAttribute("aria-expanded", String(!newChat.hidden));
  if (!newChat.hidden) $("new-chat-contact").focus();
});
$("new-chat-channel").addEventListener("change", () => {
  const channel = $("new-chat-channel").value;
  $("new-chat-contact").placeholder = placeholders[channel] ?? "";
  newChat.querySelector(".subject-field").hidden = !bySubject.has(channel);
});
newChat.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(newChat);
  try {
    const conversation = await api("POST", "/api/conversations", Object.fromEntries(form));
    newChat.reset();
    newChat.hidden = true;
    $("new-chat-toggle").setAttribute("aria-expanded", "false");
    showError(newChat.querySelector(".error"), null);
    await refreshList();
    await openConversation(conversation.id);
  } catch (error) {
    showError(newChat.querySelector(".error"), error);
  }
});

// ---- protocol events ----

const ARROWS = { "to-gateway": "CRM → gateway", "from-gateway": "gateway → CRM" };

function eventView(e) {
  const ok = e.status >= 200 && e.status < 300;
  const details = {
    claims: e.claims,
    ...(e.body ? { body: e.body } : {}),
    ...(e.response ? { answer: e.response } : {}),
  };
  return el(
    "li",
    {
      class: `event ${ok ? "ok" : "failed"}`,
      dataset: { channel: e.channel || "", kind: e.kind },
      hidden: Boolean(state.eventFilter) && e.channel !== state.eventFilter,
    },
    el(
      "details",
      {},
      el(
        "summary",
        {},
        e.channel ? channelIcon(e.channel) : null,
        el("span", { class: "event-kind" }, e.kind),
        el("span", { class: `event-status ${ok ? "ok" : "failed"}` }, e.status || "—"),
        el("span", { class: "event-path" }, `${e.method} ${e.path}`),
        el("span", { class: "muted small event-dir" }, `${ARROWS[e.direction] || e.direction} · ${formatTime(e.at)}`),
      ),
      e.error ? el("p", { class: "error-text small" }, e.error) : null,
      el("pre", { class: "claims" }, JSON.stringify(details, null, 2)),
    ),
  );
}

function addEvent(e) {
  const list = $("event-list");
  list.prepend(eventView(e));
  while (list.children.length > 200) list.lastElementChild.remove();
}

$("event-filter").addEventListener("change", () => {
  state.eventFilter = $("event-filter").value;
  for (const item of $("event-list").children)
    item.hidden = Boolean(state.eventFilter) && item.dataset.channel !== state.eventFilter;
});

async function loadEvents() {
  const events = await api("GET", "/api/protocol-events");
  $("event-list").replaceChildren(...events.reverse().map(eventView));
}

// ---- live updates ----

live({
  ready: () => {
    refreshList();
    refreshCurrent();
    loadEvents();
  },
  inbox: ({ conversationId }) => {
    refreshList();
    if (conversationId === state.currentId) refreshCurrent();
  },
  protocol: addEvent,
});
document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && refreshCurrent());
renderConversation();
