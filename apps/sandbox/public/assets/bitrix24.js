// The Bitrix24 portal: its Open Lines chats, the operator's composer and the connector's settings slider.
import { api, attachmentView, channelIcon, coalesce, el, formatTime, live, renderKeyed, showError } from "./common.js";
import { bbcodeView } from "./bbcode.js";
import { bindAnswerComposer, chatListItem, messageItem } from "./chat-parts.js";

const state = {
  portal: null,
  chats: [],
  current: null,
  currentId: Number(location.hash.slice(1)) || null,
  sliderLine: null,
};
const $ = (id) => document.getElementById(id);

/** Our connector's ids are `switchboard_<gateway>`: the gateway's channel gives the chat its icon. */
const channelOf = (connector) => /^switchboard_(\w+)$/.exec(connector || "")?.[1] || "bitrix24";

const plain = (text) => (text ? bbcodeView(text).textContent : "");

// ---- portal and settings slider ----

const refreshPortal = coalesce(async () => {
  state.portal = await api("GET", "/api/bitrix24/portal");
  renderPortal();
});

function renderPortal() {
  const p = state.portal;
  $("portal-domain").textContent = p.domain;
  const select = $("slider-line");
  const chosen = select.value;
  select.replaceChildren(...p.lines.map((l) => el("option", { value: l.line }, `Line ${l.line}`)));
  if (chosen) select.value = chosen;
  const line = p.lines.find((l) => String(l.line) === select.value) ?? p.lines[0];
  const yesNo = (value) => el("dd", { class: value ? "ok" : "bad" }, value ? "yes" : "no");
  $("portal-state").replaceChildren(
    el("dt", {}, "Portal"),
    el("dd", {}, `${p.domain} · member_id ${p.memberId}`),
    el("dt", {}, "App installed"),
    yesNo(p.installed),
    el("dt", {}, "Connector"),
    el("dd", {}, p.connectors.map((c) => `${c.name} (${c.id})`).join(", ") || "none registered"),
    el("dt", {}, "Events bound"),
    el("dd", {}, p.events.join(", ") || "none"),
    ...(line
      ? [
          el("dt", {}, `Line ${line.line} active`),
          yesNo(line.active),
          el("dt", {}, "Connected"),
          yesNo(line.connected),
          el("dt", {}, "Registered"),
          yesNo(line.registered),
        ]
      : []),
  );
  const ready = p.installed && p.connectors.length > 0;
  $("slider-open").disabled = !ready;
  $("slider-note").textContent = ready
    ? "The slider shows the page our app answers to the SETTING_CONNECTOR placement; saving posts its form back to the app."
    : "Our app is not installed on this portal yet (start the gateways with SWITCHBOARD_HOSTS=salesrender,bitrix24): there is no settings page to open.";
}

$("slider-open").addEventListener("click", () => {
  const frame = $("slider-frame");
  state.sliderLine = $("slider-line").value;
  frame.src = `/bitrix24/slider/${encodeURIComponent(state.sliderLine)}`;
  frame.hidden = false;
  // The page needs the room; the calls stay a click away.
  $("portal-calls").open = false;
});

// ---- calls between the portal and our app ----

const ARROWS = { "to-portal": "app → portal", "to-app": "portal → app" };

const refreshCalls = coalesce(async () => {
  const calls = await api("GET", "/api/bitrix24/calls");
  $("call-list").replaceChildren(...calls.reverse().map(callView));
});

function callView(call) {
  const ok = call.status >= 200 && call.status < 300 && !call.error;
  return el(
    "li",
    { class: `event ${ok ? "ok" : "failed"}`, dataset: { kind: call.direction, name: call.name } },
    el(
      "details",
      {},
      el(
        "summary",
        {},
        el("span", { class: "event-kind" }, call.direction === "to-portal" ? "REST" : "event"),
        el("span", { class: `event-status ${ok ? "ok" : "failed"}` }, call.status || "—"),
        el("span", { class: "event-path" }, call.name),
        el("span", { class: "muted small event-dir" }, `${ARROWS[call.direction]} · ${formatTime(call.at)}`),
      ),
      el("p", { class: "small call-detail" }, call.detail),
      call.error ? el("p", { class: "error-text small call-detail" }, call.error) : null,
    ),
  );
}
$("slider-line").addEventListener("change", renderPortal);

// ---- chat list ----

const refreshList = coalesce(async () => {
  state.chats = await api("GET", "/api/bitrix24/chats");
  renderList();
});

function renderList() {
  $("no-chats").hidden = state.chats.length > 0;
  $("chat-list").replaceChildren(
    ...state.chats.map((c) => {
      const last = c.last;
      const who = last?.kind === "operator" ? "You: " : last?.kind === "notice" ? "System: " : "";
      return chatListItem({
        id: c.id,
        channel: channelOf(c.connector),
        icon: channelIcon(channelOf(c.connector)),
        name: c.name || c.chatId,
        contact: c.name ? `Line ${c.line} · chat ${c.chatId}` : `Line ${c.line}`,
        preview: last ? `${who}${plain(last.text) || "Attachment"}` : "",
        at: last?.at,
        current: c.id === state.currentId,
        onOpen: () => openChat(c.id),
      });
    }),
  );
}

// ---- chat ----

async function openChat(id) {
  state.currentId = id;
  history.replaceState(null, "", `#${id}`);
  showError($("composer-error"), null);
  await refreshCurrent();
  renderList();
  $("composer-text").focus();
}

const refreshCurrent = coalesce(async () => {
  if (!state.currentId) return;
  try {
    state.current = await api("GET", `/api/bitrix24/chats/${state.currentId}`);
  } catch {
    state.current = null;
    state.currentId = null;
  }
  renderChat();
});

function renderChat() {
  const c = state.current;
  $("composer").hidden = !c;
  if (!c) {
    $("conversation-title").textContent = "No chat selected";
    $("conversation-meta").textContent = "Pick an Open Lines chat on the left.";
    $("messages").replaceChildren();
    return;
  }
  $("conversation-title").replaceChildren(channelIcon(channelOf(c.connector)), " ", c.name || c.chatId);
  $("conversation-meta").textContent = [
    `Open line ${c.line}`,
    `connector ${c.connector}`,
    `external chat ${c.chatId}`,
    `im chat ${c.id}`,
  ].join(" · ");
  $("operator-note").textContent = "You answer as the portal's operator; Bitrix24 adds your name as a signature.";
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (list.dataset.chat !== String(c.id)) list.replaceChildren();
  renderKeyed(list, c.entries, (e) => e.id, entryView);
  if (atBottom || list.dataset.chat !== String(c.id)) list.scrollTop = list.scrollHeight;
  list.dataset.chat = String(c.id);
}

function entryView(e) {
  const body = e.text ? el("div", { class: "msg-body" }, bbcodeView(e.text)) : null;
  if (e.kind === "notice") {
    return el("li", { class: "notice", dataset: { id: e.id } }, el("span", { class: "notice-label" }, "System"), body);
  }
  const files = e.attachments.map((a) =>
    a.reachable === false
      ? el("span", { class: "attachment file unreachable" }, `${a.name} (the portal could not download it)`)
      : attachmentView({ url: a.uri, name: a.name, type: a.type }),
  );
  if (e.kind === "customer") {
    return messageItem({
      id: e.id,
      direction: "in",
      body,
      files,
      at: e.at,
      note: e.deleted ? "deleted" : e.edited ? "edited" : null,
    });
  }
  return messageItem({ id: e.id, direction: "out", body, files, at: e.at, status: e.status, reason: e.reason });
}

bindAnswerComposer(async ({ text, files }) => {
  if (!state.current) return;
  await api("POST", `/api/bitrix24/chats/${state.current.id}/messages`, { text, files });
  await refreshCurrent();
});

// ---- live updates ----

live({
  ready: () => {
    refreshPortal();
    refreshCalls();
    refreshList();
    refreshCurrent();
  },
  bitrix24: ({ chatId }) => {
    refreshList();
    if (chatId === null || chatId === state.currentId) refreshCurrent();
  },
  portal: () => {
    refreshPortal();
    refreshCalls();
  },
});
renderChat();
