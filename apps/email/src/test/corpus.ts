/**
 * @module test/corpus — reads the inbound corpus (`src/inbound/corpus/*.txt`): real-world-shaped
 * replies, forwards and bounces, each with the exact text or status the CRM must get.
 *
 * A file holds cases. `@@@@ name` starts one (`[smtp]` after the name also sends it through the
 * real inbound server), `@@@ mail` the raw message (lines joined with CRLF, trailing spaces kept),
 * `@@@ text` / `@@@ html` the expected content, `@@@ status` the expected outcome of a bounce:
 * `error: <reason>`, `delivered`, `none` (a delay: no status), `unmatched` (no message of ours in
 * it) or `feedback`. `{{ID}}` in a bounce is replaced by the Message-ID of one of our messages.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One corpus message and what must come of it. */
export interface CorpusCase {
  file: string;
  name: string;
  smtp: boolean;
  mail: string;
  expected:
    | { kind: "text" | "html"; content: string }
    | { kind: "status"; status: "error" | "delivered" | "none" | "unmatched" | "feedback"; reason?: string };
}

const DIR = join(import.meta.dirname, "../inbound/corpus");

function parseFile(file: string, text: string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const chunk of text.split(/^@@@@ /m).slice(1)) {
    const [head = "", ...rest] = chunk.split("\n");
    const sections = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of rest) {
      const section = /^@@@ (mail|text|html|status)\s*$/.exec(line);
      if (section) sections.set(section[1]!, (current = []));
      else current?.push(line);
    }
    const name = head.replace(/\[smtp\]/, "").trim();
    const mailLines = sections.get("mail");
    if (!mailLines) throw new Error(`${file} ${name}: no @@@ mail section`);
    const trimEnd = (lines: string[]): string => lines.join("\n").replace(/\s+$/, "");
    const mail = trimEnd(mailLines).split("\n").join("\r\n") + "\r\n";
    const status = sections.get("status");
    let expected: CorpusCase["expected"];
    if (status) {
      const [word = "", ...reason] = trimEnd(status).split(":");
      expected = {
        kind: "status",
        status: word.trim() as "error",
        ...(reason.length ? { reason: reason.join(":").trim() } : {}),
      };
    } else {
      const kind = sections.has("html") ? "html" : "text";
      const content = sections.get(kind);
      if (!content) throw new Error(`${file} ${name}: nothing expected`);
      expected = { kind, content: trimEnd(content) };
    }
    cases.push({ file, name, smtp: /\[smtp\]/.test(head), mail, expected });
  }
  return cases;
}

/** Every case of every corpus file. */
export function loadCorpus(): CorpusCase[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .flatMap((file) => parseFile(file, readFileSync(join(DIR, file), "utf8")));
}

/** The SMTP envelope sender a case's `Return-Path` records (`""` for the null sender of bounces). */
export function envelopeSender(mail: string): string | undefined {
  const match = /^Return-Path:\s*<([^>]*)>/im.exec(mail);
  return match ? match[1] : undefined;
}
