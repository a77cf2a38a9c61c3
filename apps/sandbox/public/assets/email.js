// A customer's mailbox: writes mail over SMTP (through the sandbox) and shows the company's mail by thread.
import {
  api,
  attachmentView,
  coalesce,
  el,
  formatTime,
  live,
  remember,
  remembered,
  safeHtml,
  showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);
$("name").value = remembered("mailName", "Cleo Park");
$("address").value = remembered("mailAddress", "cleo@customer.test");
$("subject").value = "Question about my order";
const address = () => $("address").value.trim().toLowerCase();

const refresh = coalesce(async () => {
  if (!address().includes("@")) return;
  const mailbox = await api("GET", `/api/email/mailbox?address=${encodeURIComponent(address())}`);
  $("company-address").textContent = mailbox.companyAddress;
  $("to").value = mailbox.companyAddress;
  $("empty").hidden = mailbox.threads.length > 0;
  $("threads").replaceChildren(...mailbox.threads.map(threadView));
});

function threadView(thread) {
  return el(
    "li",
    { class: "thread", dataset: { thread: thread.id } },
    el(
      "h3",
      { class: "thread-subject" },
      thread.subject || "(no subject)",
      el("span", { class: "muted small" }, ` · ${thread.mails.length} mail${thread.mails.length === 1 ? "" : "s"}`),
    ),
    el("ol", { class: "thread-mails" }, thread.mails.map(mailView)),
  );
}

function mailView(mail) {
  const mine = mail.from === "customer";
  const body = el("div", { class: "mail-body" });
  if (!mine && mail.html) body.append(safeHtml(mail.html, "mail"));
  else body.append(mail.text);
  return el(
    "li",
    { class: `mail-item ${mine ? "mine" : "theirs"}`, dataset: { from: mail.from, delivery: mail.delivery || "" } },
    el(
      "div",
      { class: "mail-head" },
      el("strong", {}, mine ? "You" : "Sandbox Shop"),
      el("span", { class: "mail-subject" }, mail.subject),
      el("time", { class: "muted small" }, formatTime(mail.at)),
    ),
    body,
    mail.attachments.length
      ? el(
          "div",
          { class: "mail-files" },
          mail.attachments.map((a) => attachmentView({ url: a.url, name: a.name, contentType: a.contentType })),
        )
      : null,
    mine
      ? null
      : el(
          "div",
          { class: "mail-actions" },
          el(
            "button",
            { type: "button", class: "secondary small-button reply", onclick: () => replyTo(mail) },
            "Reply",
          ),
          el("span", { class: `mail-delivery ${mail.delivery}` }, `Your mail server: ${mail.delivery}`),
          mail.delivery === "sent"
            ? el(
                "button",
                { type: "button", class: "secondary small-button", onclick: () => report(mail.id, "delivered") },
                "Report delivered",
              )
            : null,
          mail.delivery === "sent"
            ? el(
                "button",
                { type: "button", class: "secondary small-button", onclick: () => report(mail.id, "failed") },
                "Bounce",
              )
            : null,
        ),
  );
}

async function report(id, status) {
  showError($("error"), null);
  try {
    await api("POST", `/api/email/mails/${encodeURIComponent(id)}/delivery`, { status });
    await refresh();
  } catch (error) {
    showError($("error"), error);
  }
}

function replyTo(mail) {
  $("in-reply-to").value = mail.id;
  $("subject").value = /^re:/i.test(mail.subject) ? mail.subject : `Re: ${mail.subject}`;
  $("reply-subject").textContent = mail.subject;
  $("reply-note").hidden = false;
  $("compose-title").textContent = "Reply";
  $("body").focus();
}

function newMail() {
  $("in-reply-to").value = "";
  $("reply-note").hidden = true;
  $("compose-title").textContent = "New mail";
}
$("cancel-reply").addEventListener("click", newMail);

for (const input of [$("name"), $("address")]) {
  input.addEventListener("change", () => {
    remember("mailName", $("name").value.trim());
    remember("mailAddress", address());
    refresh();
  });
}

$("compose").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData($("compose"));
  if (!$("file").files[0]) form.delete("file");
  $("send").disabled = true;
  showError($("error"), null);
  try {
    await api("POST", "/api/email/send", form);
    $("body").value = "";
    $("file").value = "";
    newMail();
    await refresh();
  } catch (error) {
    showError($("error"), error);
  } finally {
    $("send").disabled = false;
  }
});

live({
  ready: refresh,
  email: (data) => data.address === address() && refresh(),
});
