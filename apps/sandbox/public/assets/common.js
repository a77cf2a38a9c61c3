// Shared helpers of the sandbox pages: JSON calls, the live stream, DOM building and safe HTML.

/** Calls the sandbox's JSON API; throws an Error with the server's message on failure. */
export async function api(method, url, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error((data && data.message) || `${res.status} ${res.statusText}`);
  return data;
}

/**
 * Listens to the server's live events; `handlers` maps event names to functions of the parsed data.
 * EventSource reconnects by itself; "ready" fires on every (re)connection so pages can catch up.
 */
export function live(handlers) {
  const source = new EventSource("/api/live");
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (e) => handle(JSON.parse(e.data)));
  }
  source.addEventListener("error", () => document.body.classList.add("offline"));
  source.addEventListener("ready", () => document.body.classList.remove("offline"));
  return source;
}

/** Builds an element: `el("a", { href: "/x", class: "y" }, "text", child)`. `on*` attributes take functions. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/**
 * Wraps an async refresh so bursts of requests run it once, and a request arriving while it runs
 * makes it run once more afterwards (never two at a time, so answers cannot arrive out of order).
 * The returned promise settles when the refresh that covers the request is done.
 */
export function coalesce(fn) {
  let running = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      try {
        do {
          again = false;
          await fn();
        } while (again);
      } catch (error) {
        console.error(error);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

const signatures = new WeakMap();

/**
 * Brings a list's children in line with `items`, keyed by `keyOf`: unchanged items keep their
 * element (images do not reload, focus stays), changed ones are rebuilt with `view`.
 */
export function renderKeyed(container, items, keyOf, view) {
  const existing = new Map([...container.children].map((node) => [node.dataset.key, node]));
  const nodes = items.map((item) => {
    const key = String(keyOf(item));
    const signature = JSON.stringify(item);
    const old = existing.get(key);
    if (old && signatures.get(old) === signature) return old;
    const node = view(item);
    node.dataset.key = key;
    signatures.set(node, signature);
    return node;
  });
  nodes.forEach((node, i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] ?? null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

/** "14:05" for today, else a short date and time. */
export function formatTime(ms) {
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

const TELEGRAM_TAGS = {
  b: "strong",
  strong: "strong",
  i: "em",
  em: "em",
  u: "u",
  ins: "u",
  s: "s",
  strike: "s",
  del: "s",
  "tg-spoiler": "span",
  span: "span",
  a: "a",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};
const MAIL_TAGS = {
  ...TELEGRAM_TAGS,
  p: "p",
  br: "br",
  div: "div",
  ul: "ul",
  ol: "ol",
  li: "li",
  h1: "h3",
  h2: "h3",
  h3: "h4",
  h4: "h4",
  h5: "h4",
  h6: "h4",
  hr: "hr",
  table: "table",
  thead: "thead",
  tbody: "tbody",
  tr: "tr",
  td: "td",
  th: "th",
};

/**
 * Renders untrusted HTML (Telegram HTML or an email's HTML) as a fragment with only harmless
 * elements: the markup is parsed inertly by DOMParser and rebuilt tag by tag from an allow-list,
 * with no attributes except a checked `href`.
 */
export function safeHtml(html, kind = "telegram") {
  const allowed = kind === "mail" ? MAIL_TAGS : TELEGRAM_TAGS;
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const fragment = document.createDocumentFragment();
  const copy = (source, target) => {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) target.append(node.textContent);
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const name = node.tagName.toLowerCase();
      if (name === "script" || name === "style" || name === "head" || name === "title") continue;
      const mapped = allowed[name];
      if (!mapped) {
        copy(node, target);
        continue;
      }
      const clean = document.createElement(mapped);
      if (name === "tg-spoiler" || (name === "span" && node.classList.contains("tg-spoiler")))
        clean.className = "spoiler";
      if (name === "a") {
        const href = node.getAttribute("href") || "";
        if (/^(https?:|mailto:|tg:)/i.test(href)) {
          clean.setAttribute("href", href);
          clean.setAttribute("target", "_blank");
          clean.setAttribute("rel", "noopener noreferrer");
        }
      }
      copy(node, clean);
      target.append(clean);
    }
  };
  copy(doc.body, fragment);
  return fragment;
}

/**
 * A preview of a manager's markdown (bold, italic, strike, code, links, headings) as safe HTML;
 * the gateway does the real conversion for its channel.
 */
export function markdownPreview(text) {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const html = escaped
    .replace(/```\w*\n?([\s\S]*?)```/g, "<pre>$1</pre>")
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/^#{1,6} +(.+)$/gm, "<b>$1</b>")
    .replace(/\*\*([^*\n]+)\*\*/g, "<b>$1</b>")
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=[\s).,!?:;]|$)/g, "$1<i>$2</i>")
    .replace(/~~([^~\n]+)~~/g, "<s>$1</s>")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2">$1</a>');
  return safeHtml(html, "telegram");
}

const ICONS = {
  telegram:
    '<path d="M21.5 3.6 2.9 10.8c-1.3.5-1.2 1.3-.2 1.6l4.8 1.5 1.8 5.6c.2.6.4.8.9.8.4 0 .6-.2.9-.5l2.3-2.2 4.7 3.5c.9.5 1.5.2 1.7-.8l3.1-14.6c.3-1.3-.5-1.9-1.4-1.5ZM9 14.3l8.6-5.4c.4-.3.8-.1.5.2l-7.1 6.4-.3 3-1.7-4.2Z"/>',
  sms: '<path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-4 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2Zm3 6v2h2V9H7Zm4 0v2h2V9h-2Zm4 0v2h2V9h-2Z"/>',
  email:
    '<path d="M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm1 2.3V17h16V7.3l-8 5.3-8-5.3ZM5.6 7 12 11.2 18.4 7H5.6Z"/>',
};
/** Display names by channel, filled from `/api/info` (every gateway the sandbox runs). */
const LABELS = { telegram: "Telegram", sms: "SMS", email: "Email" };
/** A speech bubble, for a channel without an icon of its own. */
const CHAT_ICON =
  '<path d="M12 3c5 0 9 3.4 9 7.6s-4 7.6-9 7.6c-.9 0-1.8-.1-2.6-.3L4 20l1.3-4.1C3.8 14.5 3 12.6 3 10.6 3 6.4 7 3 12 3Z"/>';

let info;
/** The sandbox's channels as `/api/info` lists them (fetched once per page). */
export function sandboxChannels() {
  info ??= api("GET", "/api/info").then((answer) => {
    for (const c of answer.channels) LABELS[c.channel] = c.label;
    return answer.channels;
  });
  return info;
}

/** Fills each `nav[data-channel-links]` with a link to every gateway's customer page but the page's own. */
async function fillChannelLinks() {
  const navs = [...document.querySelectorAll("nav[data-channel-links]")];
  if (!navs.length) return;
  const channels = await sandboxChannels();
  for (const nav of navs) {
    const own = nav.dataset.channelLinks;
    const newTab = nav.hasAttribute("data-new-tab") ? { target: "_blank", rel: "noopener" } : {};
    if (nav.hasAttribute("data-new-tab"))
      nav.append(el("span", { class: "muted" }, "Write to the company as a customer:"));
    for (const c of channels) {
      if (c.channel !== own)
        nav.append(" ", el("a", { href: c.page, ...newTab, dataset: { channel: c.channel } }, c.label));
    }
  }
}
if (typeof document !== "undefined") void fillChannelLinks().catch(() => undefined);

/** The channel's icon (an inline SVG with an accessible name). */
export function channelIcon(channel) {
  const span = el("span", {
    class: `channel-icon ${channel}`,
    role: "img",
    "aria-label": LABELS[channel] || channel,
    title: LABELS[channel] || channel,
  });
  span.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[channel] || CHAT_ICON}</svg>`;
  return span;
}

/** The channel's display name. */
export function channelLabel(channel) {
  return LABELS[channel] || channel;
}

/** Reads a value from the URL's query, else localStorage, else the default. */
export function remembered(key, fallback) {
  const fromUrl = new URLSearchParams(location.search).get(key);
  if (fromUrl) return fromUrl;
  try {
    return localStorage.getItem(`sandbox.${key}`) || fallback;
  } catch {
    return fallback;
  }
}

/** Stores a value for the next visit. */
export function remember(key, value) {
  try {
    localStorage.setItem(`sandbox.${key}`, value);
  } catch {
    // Private mode: nothing to keep.
  }
}

/** Shows an error next to a form (role=alert announces it), or clears it. */
export function showError(node, error) {
  node.textContent = error ? error.message || String(error) : "";
  node.hidden = !error;
}

/** A paperclip icon. */
export function fileIcon() {
  const span = el("span", { class: "file-icon", "aria-hidden": "true" });
  span.innerHTML =
    '<svg viewBox="0 0 24 24" focusable="false"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10h-1.5Z"/></svg>';
  return span;
}

/** Shows which file an attach button holds, with a way to drop it. */
export function showPickedFile(input, note) {
  const update = () => {
    const file = input.files[0];
    note.hidden = !file;
    note.replaceChildren();
    if (!file) return;
    note.append(
      fileIcon(),
      ` ${file.name} `,
      el(
        "button",
        {
          type: "button",
          class: "secondary small-button",
          onclick: () => {
            input.value = "";
            update();
          },
        },
        "Remove",
      ),
    );
  };
  input.addEventListener("change", update);
  return update;
}

/** A file link: an image preview for pictures, a download link otherwise. */
export function attachmentView(attachment) {
  const isImage =
    attachment.type === "image" || attachment.type === "photo" || /^image\//.test(attachment.contentType || "");
  if (isImage) {
    return el(
      "a",
      { class: "attachment image", href: attachment.url, target: "_blank", rel: "noopener" },
      el("img", { src: attachment.url, alt: attachment.name || "picture", loading: "lazy" }),
    );
  }
  return el(
    "a",
    { class: "attachment file", href: attachment.url, target: "_blank", rel: "noopener" },
    fileIcon(),
    attachment.name || "file",
  );
}

/**
 * Wires a customer page's composer (#composer, #text, #file, #picked, #send, #error): posts the text
 * and file with `fields()` to `url` as multipart, clears it and calls `after()`.
 */
export function bindComposer({ url, fields, after }) {
  const $ = (id) => document.getElementById(id);
  const resetPicked = showPickedFile($("file"), $("picked"));
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("text").value;
    const file = $("file").files[0];
    if (!text.trim() && !file) return;
    const form = new FormData();
    for (const [key, value] of Object.entries(fields())) form.append(key, value);
    form.append("text", text);
    if (file) form.append("file", file);
    $("send").disabled = true;
    showError($("error"), null);
    try {
      await api("POST", url, form);
      $("text").value = "";
      $("file").value = "";
      resetPicked();
      await after();
    } catch (error) {
      showError($("error"), error);
    } finally {
      $("send").disabled = false;
      $("text").focus();
    }
  });
}
