// What both chat views (the SalesRender inbox and the Bitrix24 portal) share: a chat in the list, a
// message with its time, delivery tick and failure reason, and the composer that answers.
import { api, el, formatTime, showError } from "./common.js";

/** How each delivery state shows. */
export const TICKS = {
  queued: { symbol: "◔", label: "Queued: waiting for the gateway" },
  sent: { symbol: "✓", label: "Sent" },
  delivered: { symbol: "✓✓", label: "Delivered" },
  read: { symbol: "✓✓", label: "Read" },
  error: { symbol: "!", label: "Not delivered" },
};

/**
 * One chat of the list: `icon` (a node), `name`, optional `contact` and `subject` lines, `preview`,
 * the last message's time `at`, the `unread` count; `onOpen` runs on click.
 */
export function chatListItem({ id, channel, icon, name, contact, subject, preview, at, unread, current, onOpen }) {
  return el(
    "li",
    { class: "chat-item" },
    el(
      "button",
      {
        type: "button",
        class: "chat-button",
        "aria-current": current ? "true" : undefined,
        dataset: { id, channel },
        onclick: onOpen,
      },
      icon,
      el(
        "span",
        { class: "chat-text" },
        el("span", { class: "chat-name" }, name),
        contact ? el("span", { class: "chat-contact muted small" }, contact) : null,
        subject ? el("span", { class: "chat-subject small" }, subject) : null,
        el("span", { class: "chat-preview muted" }, (preview || "").slice(0, 90)),
      ),
      el(
        "span",
        { class: "chat-side" },
        at ? el("time", { class: "muted small" }, formatTime(at)) : null,
        unread > 0 ? el("span", { class: "unread", "aria-label": `${unread} unread` }, String(unread)) : null,
      ),
    ),
  );
}

/**
 * One message: `body` (a node, or null), `files` (nodes), `direction` "in" or "out", an optional
 * `badge` (the format), its time and, for outgoing ones, the delivery `status` with its `reason`
 * (shown under a failed message, as the tick's title otherwise).
 */
export function messageItem({ id, direction, body, files = [], badge, at, status, reason, note }) {
  const tick = status ? TICKS[status] : null;
  const failed = status === "error";
  return el(
    "li",
    { class: `msg ${direction}`, dataset: { id, status: status || "" } },
    body,
    files.length ? el("div", { class: "msg-files" }, files) : null,
    el(
      "div",
      { class: "msg-meta" },
      note ? el("span", { class: "format-badge" }, note) : null,
      badge ? el("span", { class: "format-badge" }, badge) : null,
      el("time", { datetime: new Date(at).toISOString() }, formatTime(at)),
      tick
        ? el(
            "span",
            {
              class: `tick ${status}`,
              title: reason || tick.label,
              "aria-label": `Status: ${reason ? `${tick.label}: ${reason}` : tick.label}`,
              tabindex: reason ? "0" : undefined,
            },
            tick.symbol,
          )
        : null,
    ),
    failed ? el("p", { class: "msg-reason small" }, reason) : null,
  );
}

/**
 * Wires the answer composer (#composer, #composer-text, #composer-files, #composer-send,
 * #composer-error): uploads the picked files, then calls `send({ text, files })` with their upload
 * ids, and clears it. Enter sends, Shift+Enter starts a new line.
 */
export function bindAnswerComposer(send) {
  const $ = (id) => document.getElementById(id);
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("composer-send");
    const text = $("composer-text").value;
    const picked = [...$("composer-files").files];
    if (!text.trim() && picked.length === 0) return;
    button.disabled = true;
    showError($("composer-error"), null);
    try {
      const files = [];
      for (const file of picked) {
        const form = new FormData();
        form.append("file", file);
        files.push((await api("POST", "/api/uploads", form)).id);
      }
      await send({ text, files });
      $("composer-text").value = "";
      $("composer-files").value = "";
    } catch (error) {
      showError($("composer-error"), error);
    } finally {
      button.disabled = false;
      $("composer-text").focus();
    }
  });
  $("composer-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
}
