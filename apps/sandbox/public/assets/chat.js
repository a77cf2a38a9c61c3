// A customer of a gateway declared in its own package (examples/echo and what `turbo gen gateway`
// writes): writes through the gateway's fake, sees the company's messages as the channel took them,
// and plays the channel's status webhooks (delivered / read / failed).
import {
  api,
  bindComposer,
  coalesce,
  el,
  formatTime,
  live,
  remember,
  remembered,
  renderKeyed,
  sandboxChannels,
  showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const channel = location.pathname.split("/").pop();
const base = `/api/chat/${encodeURIComponent(channel)}`;
$("name").value = remembered(`${channel}Name`, "Eve Moss");
$("contact").value = remembered(`${channel}Contact`, "eve");
const contact = () => $("contact").value.trim();
const FINAL = ["read", "failed"];

sandboxChannels().then((channels) => {
  const own = channels.find((c) => c.channel === channel);
  if (own) {
    $("channel-label").textContent = own.label;
    document.title = `${own.label} customer · Switchboard sandbox`;
    $("gateway-name").textContent = `${own.label} gateway ${own.gateway}`;
  }
  for (const c of channels) {
    if (c.channel !== channel) $("channel-nav").append(el("a", { href: c.page }, c.label));
  }
});

const refresh = coalesce(async () => {
  if (!contact()) return;
  const thread = await api("GET", `${base}/thread?contact=${encodeURIComponent(contact())}`);
  $("empty").hidden = thread.messages.length > 0;
  const list = $("messages");
  renderKeyed(list, thread.messages, (m) => m.id, bubble);
  list.scrollTop = list.scrollHeight;
});

function bubble(m) {
  const mine = m.from === "customer";
  const report = (status, label) =>
    el("button", { type: "button", class: "secondary small-button", onclick: () => mark(m.id, status) }, label);
  const channelSide =
    !mine && !FINAL.includes(m.status)
      ? el(
          "div",
          { class: "carrier" },
          m.status ? el("span", { class: `sms-status ${m.status}` }, m.status) : null,
          m.status === "delivered" ? null : report("delivered", "Mark delivered"),
          report("read", "Mark read"),
          report("failed", "Mark failed"),
        )
      : !mine
        ? el("div", { class: "carrier" }, el("span", { class: `sms-status ${m.status}` }, m.status))
        : null;
  return el(
    "li",
    { class: `bubble ${mine ? "mine" : "theirs"}`, dataset: { from: m.from, id: m.id, status: m.status || "" } },
    m.text ? el("div", { class: "bubble-text" }, m.text) : null,
    m.attachments.map((a) => el("a", { href: a.url, class: "bubble-file" }, a.name || a.url)),
    el("time", { class: "bubble-time" }, formatTime(m.at)),
    channelSide,
  );
}

async function mark(id, status) {
  showError($("error"), null);
  try {
    await api("POST", `${base}/messages/${encodeURIComponent(id)}/status`, { status });
    await refresh();
  } catch (error) {
    showError($("error"), error);
  }
}

for (const input of [$("name"), $("contact")]) {
  input.addEventListener("change", () => {
    remember(`${channel}Name`, $("name").value.trim());
    remember(`${channel}Contact`, contact());
    refresh();
  });
}

bindComposer({ url: `${base}/send`, fields: () => ({ contact: contact(), name: $("name").value }), after: refresh });

live({
  ready: refresh,
  [channel]: (data) => data.contact === contact() && refresh(),
});
