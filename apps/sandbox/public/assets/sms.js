// A phone texting the company: sends signed Twilio webhooks through the sandbox, shows the company's
// texts and lets the person play the carrier (delivered / failed → Twilio status callback).
import {
  api,
  bindComposer,
  attachmentView,
  coalesce,
  el,
  formatTime,
  live,
  remember,
  remembered,
  renderKeyed,
  showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);
$("name").value = remembered("smsName", "Bob Stone");
$("phone").value = remembered("smsPhone", "+14155550123");
const phone = () => $("phone").value.replace(/[\s()-]/g, "");
const FINAL = ["delivered", "undelivered", "failed", "read"];

const refresh = coalesce(async () => {
  if (!/^\+[1-9]\d{6,14}$/.test(phone())) return;
  const thread = await api("GET", `/api/sms/thread?phone=${encodeURIComponent(phone())}`);
  $("company-number").textContent = thread.companyNumber;
  $("empty").hidden = thread.messages.length > 0;
  const list = $("messages");
  renderKeyed(list, thread.messages, (m) => m.id, bubble);
  list.scrollTop = list.scrollHeight;
});

function bubble(m) {
  const mine = m.from === "customer";
  const media = m.media.map((item, i) => attachmentView({ url: item.url, name: `picture ${i + 1}`, type: "image" }));
  const carrier = !mine
    ? el(
        "div",
        { class: "carrier" },
        el("span", { class: `sms-status ${m.status}` }, `Twilio: ${m.status}`),
        FINAL.includes(m.status)
          ? null
          : el(
              "button",
              { type: "button", class: "secondary small-button", onclick: () => mark(m.id, "delivered") },
              "Mark delivered",
            ),
        FINAL.includes(m.status)
          ? null
          : el(
              "button",
              { type: "button", class: "secondary small-button", onclick: () => mark(m.id, "failed") },
              "Mark failed",
            ),
      )
    : null;
  return el(
    "li",
    { class: `bubble ${mine ? "mine" : "theirs"}`, dataset: { from: m.from, sid: m.id, status: m.status || "" } },
    media,
    m.text ? el("div", { class: "bubble-text" }, m.text) : null,
    el("time", { class: "bubble-time" }, formatTime(m.at)),
    carrier,
  );
}

async function mark(sid, status) {
  showError($("error"), null);
  try {
    await api("POST", `/api/sms/messages/${encodeURIComponent(sid)}/status`, { status });
    await refresh();
  } catch (error) {
    showError($("error"), error);
  }
}

for (const input of [$("name"), $("phone")]) {
  input.addEventListener("change", () => {
    remember("smsName", $("name").value.trim());
    remember("smsPhone", phone());
    refresh();
  });
}

bindComposer({ url: "/api/sms/send", fields: () => ({ phone: phone(), name: $("name").value }), after: refresh });

live({
  ready: refresh,
  sms: (data) => data.phone === phone() && refresh(),
});
