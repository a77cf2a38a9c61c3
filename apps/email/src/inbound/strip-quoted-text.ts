/**
 * @module inbound/strip-quoted-text — removes the quoted history mail programs put around a reply,
 * so the CRM shows what the customer wrote now, and never loses a word of it.
 *
 * Reply detection is planer's (the JavaScript port of Mailgun's talon): it marks each line and
 * finds the quotation, including inline answers between quotes. Our own rules, each only where
 * talon is wrong for a support inbox:
 * - attributions and separators in the languages talon does not know are marked as splitters;
 * - a forward keeps everything (talon only knows Gmail's English marker; customers forward
 *   invoices and confirmations);
 * - never-lose: talon's cut is taken only when every line it removes is certainly history
 *   (quoted `>` lines, blank lines, attribution lines, or what follows an Outlook header block).
 *   Otherwise only those certain parts go: talon cuts everything after its first splitter, and
 *   takes a customer's line starting with a date and holding an address, or starting with
 *   `From:`, for one.
 */
import { markMessageLines, processMarkedLines } from "planer";
import { attributionAt, headerBlockAt, isForwardMarker, isForwardSubject, separatorAt } from "./reply-markers.js";

/** What else is known about the mail whose text is stripped. */
export interface StripContext {
  subject?: string;
}

type Kind = "text" | "blank" | "quoted" | "attribution" | "history";

/** Each line's kind by our own certain rules; `history` runs from a header block or separator to the end. */
function classify(lines: readonly string[]): Kind[] {
  const kinds: Kind[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (separatorAt(lines, i) || headerBlockAt(lines, i)) {
      for (let j = i; j < lines.length; j++) kinds[j] = "history";
      break;
    }
    if (line.trim() === "") kinds[i] = "blank";
    else if (/^\s*>/.test(line)) kinds[i] = "quoted";
    else {
      const n = attributionAt(lines, i);
      for (let j = 0; j < Math.max(n, 1); j++) kinds[i + j] = n ? "attribution" : "text";
      i += Math.max(n, 1) - 1;
    }
  }
  return kinds;
}

/** Index of the next line after `index` that is neither blank nor attribution, or -1. */
function nextContent(kinds: readonly Kind[], index: number): number {
  for (let i = index + 1; i < kinds.length; i++) if (kinds[i] !== "blank" && kinds[i] !== "attribution") return i;
  return -1;
}

/**
 * Lines our own rules may remove: history, attributions directly followed by a quote, and the
 * quote blocks after them or at the very end. A quote between two texts without an attribution
 * is an inline answer's context and stays.
 */
function certainHistory(kinds: readonly Kind[]): boolean[] {
  const removable = kinds.map((k) => k === "history");
  // From here on, only quoted and blank lines: the trailing quote.
  let trailingFrom = kinds.length;
  while (trailingFrom > 0 && (kinds[trailingFrom - 1] === "quoted" || kinds[trailingFrom - 1] === "blank"))
    trailingFrom--;
  for (let i = 0; i < kinds.length; i++) {
    const attributed = kinds[i] === "attribution" && kinds[nextContent(kinds, i)] === "quoted";
    const trailing = kinds[i] === "quoted" && i >= trailingFrom;
    if (!attributed && !trailing) continue;
    let j = i;
    while (j < kinds.length && (kinds[j] === "attribution" || kinds[j] === "quoted" || kinds[j] === "blank")) {
      if (kinds[j] === "attribution" && j > i && kinds[nextContent(kinds, j)] !== "quoted") break;
      removable[j++] = true;
    }
    i = j - 1;
  }
  return removable;
}

// Talon's splitter patterns backtrack quadratically on long lines (a 24 KB line starting "On "
// with many commas takes over a second), and no attribution or quote marker is that long.
const TALON_LINE_CHARS = 200;
// Beyond this many lines talon itself gives up (its own MAX_LINES_COUNT); our rules alone decide.
const TALON_MAX_LINES = 1000;

/** Talon's markers, with our splitters added where talon does not know the language. */
function markers(lines: string[], kinds: readonly Kind[]): string {
  const talon = markMessageLines(lines.map((line) => line.slice(0, TALON_LINE_CHARS)))
    .slice(0, lines.length)
    .split("");
  for (let i = 0; i < lines.length; i++) {
    if (kinds[i] === "attribution") talon[i] = "s";
    else if (kinds[i] === "history" && kinds[i - 1] !== "history") talon[i] = "s";
  }
  return talon.join("");
}

/**
 * The new text of a reply. Quoted history is removed; text written above, below or between
 * quotes is kept; a forward is kept whole. When the cut would leave nothing, the full text is kept.
 */
export function stripQuotedText(text: string, context: StripContext = {}): string {
  const full = text.replace(/\r\n?/g, "\n");
  const lines = full.split("\n");
  const kinds = classify(lines);
  const forwarded =
    isForwardSubject(context.subject) || lines.some((line, i) => kinds[i] === "text" && isForwardMarker(line));
  if (forwarded) return full.trim();

  const removable = certainHistory(kinds);
  const flags: { wereLinesDeleted?: boolean; firstLine?: number; lastLine?: number } = {};
  if (lines.length <= TALON_MAX_LINES) processMarkedLines([...lines], markers(lines, kinds), flags);
  let keep = lines.map(() => true);
  if (flags.wereLinesDeleted && flags.firstLine !== undefined && flags.lastLine !== undefined) {
    const cut = lines.map((_, i) => i >= flags.firstLine! && i < flags.lastLine!);
    // Quoted lines are never the customer's new words; everything else talon cuts must be history.
    const talonLosesText = cut.some(
      (isCut, i) => isCut && !removable[i] && kinds[i] !== "blank" && kinds[i] !== "quoted",
    );
    keep = talonLosesText ? removable.map((r) => !r) : cut.map((c) => !c);
  } else if (lines.length > TALON_MAX_LINES) {
    keep = removable.map((r) => !r);
  } else if (removable.some((r, i) => r && kinds[i] === "history")) {
    // Talon missed an Outlook block in a language it does not know; it is history all the same.
    keep = kinds.map((k) => k !== "history");
  }
  const kept = lines
    .filter((_, i) => keep[i])
    .join("\n")
    .replace(/\n{3,}/g, "\n\n") // the gap a removed quote leaves between two paragraphs
    .trim();
  return kept === "" ? full.trim() : kept;
}
