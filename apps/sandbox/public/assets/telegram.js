// A Telegram user's chat with the company's bot: sends updates through the sandbox, shows the bot's messages.
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
  safeHtml,
} from "./common.js";

const $ = (id) => document.getElementById(id);
$("user-name").value = remembered("tgName", "Ann Lee");
$("user-id").value = remembered("tgUser", "5550001");
let botHost = remembered("tgBot", "salesrender");

const userId = () => $("user-id").value.trim();

const refresh = coalesce(async () => {
  if (!/^\d{1,15}$/.test(userId())) return;
  const query = `user=${encodeURIComponent(userId())}&bot=${encodeURIComponent(botHost)}`;
  const chat = await api("GET", `/api/telegram/chat?${query}`).catch(() => {
    // That bot is not running (yet): fall back to the first one.
    botHost = "salesrender";
    return api("GET", `/api/telegram/chat?user=${encodeURIComponent(userId())}`);
  });
  $("bot").replaceChildren(
    ...chat.bots.map((b) =>
      el("option", { value: b.host, selected: b.host === chat.bot.host }, `${b.name} (@${b.username})`),
    ),
  );
  $("bot-username").textContent = `@${chat.bot.username} · bot`;
  $("chat-title").textContent = chat.bot.name;
  $("empty").hidden = chat.messages.length > 0;
  const list = $("messages");
  renderKeyed(list, chat.messages, (m) => m.id, bubble);
  list.scrollTop = list.scrollHeight;
});

function bubble(m) {
  const body = el("div", { class: "bubble-text" });
  if (m.html) body.append(safeHtml(m.html, "telegram"));
  else if (m.text) body.append(m.text);
  const file = m.file ? attachmentView({ url: m.file.url, name: m.file.name, type: m.file.kind }) : null;
  return el(
    "li",
    { class: `bubble ${m.from === "customer" ? "mine" : "theirs"}`, dataset: { from: m.from } },
    file,
    m.html || m.text ? body : null,
    el("time", { class: "bubble-time" }, formatTime(m.at)),
  );
}

$("bot").addEventListener("change", () => {
  botHost = $("bot").value;
  remember("tgBot", botHost);
  $("messages").replaceChildren();
  refresh();
});

for (const input of [$("user-name"), $("user-id")]) {
  input.addEventListener("change", () => {
    remember("tgName", $("user-name").value.trim());
    remember("tgUser", userId());
    refresh();
  });
}

bindComposer({
  url: "/api/telegram/send",
  fields: () => ({ bot: botHost, user: userId(), name: $("user-name").value }),
  after: refresh,
});

live({
  ready: refresh,
  telegram: ({ bot, user }) => bot === botHost && String(user) === userId() && refresh(),
});
