/**
 * @module inbound/strip-quoted-text — removes the quoted history mail programs put below a reply,
 * so the CRM shows only what the customer wrote now.
 */

// Lines that introduce quoted history in common mail programs and languages.
const ATTRIBUTION = [
  /^On\s.{1,300}\swrote:\s*$/i, // Gmail, Apple Mail, Thunderbird
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i, // Outlook (plain)
  /^_{20,}\s*$/, // Outlook separator before From:/Sent:
  /^Le\s.{1,300}\sa écrit\s*:\s*$/i,
  /^Am\s.{1,300}\sschrieb\s.{0,200}:\s*$/i,
  /^El\s.{1,300}\sescribió:\s*$/i,
  /^.{0,300}(пишет|написал|написала|написал\(а\))\s*:\s*$/i,
  /^-{2,}\s*Исходное сообщение\s*-{2,}\s*$/i,
];

/** Outlook's header block: From: followed by Sent:/Date: within the next lines. */
function isOutlookHeader(lines: string[], index: number): boolean {
  if (!/^\*?(From|От|Von|De)\s*:\*?\s/i.test(lines[index] ?? "")) return false;
  return lines
    .slice(index + 1, index + 4)
    .some((line) => /^\*?(Sent|Date|Отправлено|Дата|Gesendet|Envoyé)\s*:/i.test(line));
}

function isQuoted(line: string): boolean {
  return /^\s*>/.test(line);
}

/** Index of the first line of the quoted history, or -1. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (ATTRIBUTION.some((pattern) => pattern.test(line)) || isOutlookHeader(lines, i)) return i;
    // "On Mon, 1 Jan 2024 at 10:00, Name <address>" wrapped onto a second line ending in "wrote:".
    if (/^On\s/i.test(line) && /\swrote:\s*$/i.test(lines[i + 1] ?? "")) return i;
  }
  // A trailing block of "> " lines (possibly with blank lines), without attribution.
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (isQuoted(line)) start = i;
    else if (line.trim() !== "") break;
  }
  return start;
}

/**
 * The new text of a reply: everything above the quoted history. When the cut would leave
 * nothing (a mail that is only a quote, or a top line we misread), the full text is kept.
 */
export function stripQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const start = quoteStart(lines);
  const full = text.replace(/\r\n?/g, "\n").trim();
  if (start < 0) return full;
  const kept = lines.slice(0, start).join("\n").trim();
  return kept === "" ? full : kept;
}
