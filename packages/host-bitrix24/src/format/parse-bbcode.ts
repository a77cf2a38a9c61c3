/**
 * @module format/parse-bbcode — an operator's message text (Bitrix24 BB-codes) as a tree.
 * The codes are those of the messenger (bitrix24/b24restdocs
 * `api-reference/chat-bots/chat-bots-v2/imbot.v2/messages/message-formatting.md`): `[b] [i] [u] [s]`,
 * `[url]` / `[url=…]`, `[br]` and `\n`, `[code]`, `>>` quote lines and `------` quote blocks,
 * plus `[quote]` and codes whose text we keep without their effect (`[size]`, `[color]`, `[user]`,
 * `[chat]`, `[send]`, `[put]`, `[call]`, `[img]`, `[icon]`, `[timestamp]`). Nothing the operator
 * typed is lost: an unknown code, or an opening code never closed, stays in the text as typed.
 */
import type { BbNode, Emphasis } from "./bbcode-tree.js";
import { decodeEntities } from "./entities.js";
import { safeHref } from "./safe-url.js";

const EMPHASIS = new Map<string, Emphasis>([
  ["b", "bold"],
  ["i", "italic"],
  ["u", "underline"],
  ["s", "strike"],
]);
/** Paired codes whose content is kept and whose effect (size, colour, mention, command) has no channel equivalent. */
const TRANSPARENT = new Set([
  "size",
  "color",
  "font",
  "user",
  "chat",
  "context",
  "send",
  "put",
  "left",
  "right",
  "center",
]);
const PAIRED = new Set([...EMPHASIS.keys(), ...TRANSPARENT, "url", "quote", "call", "img"]);

const TAG = /\[(\/?)([a-z]{1,10})(=[^[\]\n]*)?( [^[\]\n]*)?\]/gi;

interface Frame {
  name: string;
  param: string | undefined;
  raw: string;
  children: BbNode[];
}

function pushText(into: BbNode[], text: string): void {
  const decoded = decodeEntities(text.replace(/\r\n?/g, "\n"));
  const lines = decoded.split("\n");
  lines.forEach((line, i) => {
    if (i > 0) into.push({ type: "break" });
    if (line === "") return;
    const last = into[into.length - 1];
    if (last?.type === "text") last.text += line;
    else into.push({ type: "text", text: line });
  });
}

function textOf(nodes: readonly BbNode[]): string {
  return nodes
    .map((n) =>
      n.type === "text" ? n.text : n.type === "break" ? "\n" : n.type === "code" ? n.text : textOf(n.children),
    )
    .join("");
}

/** What a closed code becomes in its parent. */
function close(frame: Frame): BbNode[] {
  const emphasis = EMPHASIS.get(frame.name);
  if (emphasis) return frame.children.length ? [{ type: "emphasis", emphasis, children: frame.children }] : [];
  const param = frame.param?.slice(1).trim();
  switch (frame.name) {
    case "quote":
      return [{ type: "quote", children: frame.children }];
    case "url":
    case "img": {
      const target = param || textOf(frame.children).trim();
      const href = safeHref(decodeEntities(target));
      const children = frame.children.length ? frame.children : [{ type: "text" as const, text: target }];
      if (href) return [{ type: "link", href, children }];
      // Not a link we can make: keep the words and the target the operator gave.
      return param && param !== textOf(frame.children).trim()
        ? [...children, { type: "text", text: ` (${param})` }]
        : children;
    }
    case "call": {
      const shown = textOf(frame.children);
      return param && !shown.includes(param)
        ? [...frame.children, { type: "text", text: ` (${param})` }]
        : frame.children;
    }
    default:
      return frame.children;
  }
}

/** Void codes: what they leave in the text. */
function voidCode(
  name: string,
  param: string | undefined,
  attrs: string | undefined,
  raw: string,
): BbNode[] | undefined {
  if (name === "br") return [{ type: "break" }];
  const all = `${param ?? ""}${attrs ?? ""}`;
  if (name === "icon") {
    const title = /(?:^| )title=(.*)$/i.exec(all)?.[1]?.trim();
    return title ? [{ type: "text", text: title }] : [];
  }
  if (name === "timestamp" && param) {
    const seconds = Number(/^=\s*(\d+)/.exec(all)?.[1]);
    if (Number.isFinite(seconds) && seconds > 0 && seconds < 1e11) {
      return [
        {
          type: "text",
          text: new Date(seconds * 1000)
            .toISOString()
            .replace("T", " ")
            .replace(/:\d\d\.\d+Z$/, " UTC"),
        },
      ];
    }
    return [{ type: "text", text: raw }];
  }
  return undefined;
}

/** Parses BB-code text into nodes (tags are case-insensitive, as Bitrix treats them). */
export function parseBbcode(input: string): BbNode[] {
  const root: Frame = { name: "", param: undefined, raw: "", children: [] };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1]!;
  let last = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(input); match; match = TAG.exec(input)) {
    const [raw, slash, rawName, param, attrs] = match;
    const name = rawName!.toLowerCase();
    pushText(top().children, input.slice(last, match.index));
    last = match.index + raw.length;
    if (name === "code" && !slash) {
      const end = input.toLowerCase().indexOf("[/code]", last);
      if (end >= 0) {
        top().children.push({
          type: "code",
          text: decodeEntities(input.slice(last, end).replace(/\r\n?/g, "\n")).replace(/^\n|\n$/g, ""),
        });
        last = end + "[/code]".length;
        TAG.lastIndex = last;
        continue;
      }
      pushText(top().children, raw);
      continue;
    }
    if (!slash) {
      const single = voidCode(name, param, attrs, raw);
      if (single) top().children.push(...single);
      else if (PAIRED.has(name)) stack.push({ name, param, raw, children: [] });
      else pushText(top().children, raw);
      continue;
    }
    const at = stack.findLastIndex((frame, i) => i > 0 && frame.name === name);
    if (at < 0) {
      // A closing code with nothing open is markup, not words: dropped. An unknown one is text.
      if (!PAIRED.has(name) && name !== "code") pushText(top().children, raw);
      continue;
    }
    // Codes opened inside and not yet closed end here too (`[b][i]x[/b]`).
    while (stack.length - 1 > at) {
      const inner = stack.pop()!;
      top().children.push(...close(inner));
    }
    const frame = stack.pop()!;
    top().children.push(...close(frame));
  }
  pushText(top().children, input.slice(last));
  // Codes never closed: Bitrix shows them as typed, so do we, with their content as it is.
  while (stack.length > 1) {
    const open = stack.pop()!;
    pushText(top().children, open.raw);
    top().children.push(...open.children);
  }
  return mergeText(quoteLines(root.children));
}

function mergeText(nodes: BbNode[]): BbNode[] {
  const out: BbNode[] = [];
  for (const node of nodes) {
    const prev = out[out.length - 1];
    if (node.type === "text" && prev?.type === "text") prev.text += node.text;
    else out.push(node);
  }
  return out;
}

const DASHES = /^\s*-{6,}\s*$/;

/**
 * The messenger's two quote forms at the top level: lines starting with `>>`, and a block between
 * two lines of dashes (how Bitrix writes a quoted message).
 */
function quoteLines(nodes: BbNode[]): BbNode[] {
  const lines: BbNode[][] = [[]];
  for (const node of mergeText(nodes)) {
    if (node.type === "break") lines.push([]);
    else lines[lines.length - 1]!.push(node);
  }
  const isDashes = (line: BbNode[]) => line.length === 1 && line[0]!.type === "text" && DASHES.test(line[0]!.text);
  const out: BbNode[] = [];
  let first = true;
  const emitLine = (line: BbNode[]) => {
    if (!first) out.push({ type: "break" });
    first = false;
    out.push(...line);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isDashes(line)) {
      const end = lines.findIndex((l, j) => j > i && isDashes(l));
      if (end > i + 1) {
        const inner = lines.slice(i + 1, end).flatMap((l, k) => (k ? [{ type: "break" as const }, ...l] : l));
        emitLine([{ type: "quote", children: inner }]);
        i = end;
        continue;
      }
    }
    const first = line[0];
    if (first?.type === "text" && first.text.startsWith(">>")) {
      const quoted: BbNode[] = [];
      let j = i;
      for (; j < lines.length; j++) {
        const l = lines[j]!;
        const head = l[0];
        if (head?.type !== "text" || !head.text.startsWith(">>")) break;
        if (quoted.length) quoted.push({ type: "break" });
        const rest = head.text.slice(2).replace(/^ /, "");
        quoted.push(...(rest ? [{ type: "text" as const, text: rest }] : []), ...l.slice(1));
      }
      emitLine([{ type: "quote", children: quoted }]);
      i = j - 1;
      continue;
    }
    emitLine(line);
  }
  return out;
}
