/**
 * @module inbound/flowed-text — RFC 3676 `format=flowed` decoding that respects quote depth, and
 * the hook that makes mailparser use it.
 *
 * mailparser (through mailsplit's FlowedDecoder and libmime.decodeFlowed) joins every line that
 * ends in a space with the next one, whatever their quote depth: `> Do you want the red one? ` +
 * `Yes, the red one.` became one quoted line, and the customer's answer was stripped with the
 * quote. RFC 3676 §4.5: lines of different quote depth never join.
 */
import { createRequire } from "node:module";

/** Decodes flowed text: soft line breaks joined within one quote depth, space-stuffing removed. */
export function decodeFlowed(text: string, delSp = false): string {
  const out: string[] = [];
  let open: { depth: number; text: string } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const depth = /^>*/.exec(raw)![0].length;
    let line = raw.slice(depth);
    if (line.startsWith(" ")) line = line.slice(1); // space-stuffing (§4.4), and the space after ">"
    // A signature separator "-- " is never a soft break (§4.3).
    const soft = line.endsWith(" ") && line !== "-- ";
    if (open && open.depth !== depth) {
      // The soft break's space was a flow marker, not text: the paragraph ends here.
      if (!delSp) open.text = open.text.replace(/ $/, "");
      out.push(render(open));
      open = undefined;
    }
    const piece = soft && delSp ? line.slice(0, -1) : line;
    if (open) open.text += piece;
    else open = { depth, text: piece };
    if (!soft) {
      out.push(render(open));
      open = undefined;
    }
  }
  if (open) out.push(render({ ...open, text: delSp ? open.text : open.text.replace(/ $/, "") }));
  return out.join("\n");
}

function render(line: { depth: number; text: string }): string {
  return line.depth ? `${">".repeat(line.depth)} ${line.text}` : line.text;
}

interface FlowedDecoderClass {
  prototype: { _flush(callback: (error?: Error | null) => void): void };
}

let installed = false;

/**
 * Makes mailparser decode `format=flowed` parts with {@link decodeFlowed}. Called once, right after
 * mailparser is loaded; throws if mailparser no longer decodes through mailsplit's FlowedDecoder,
 * so an upgrade that moves it fails the flowed tests instead of silently losing answers again.
 */
export function installFlowedDecoder(): void {
  if (installed) return;
  const fromMailparser = createRequire(createRequire(import.meta.url).resolve("mailparser"));
  const FlowedDecoder = fromMailparser("@zone-eu/mailsplit/lib/flowed-decoder") as FlowedDecoderClass;
  FlowedDecoder.prototype._flush = function flush(this: FlowedState, callback) {
    if (this.chunklen) {
      // Transfer decoding is done upstream; charset decoding downstream, so work on binary.
      const body = Buffer.concat(this.chunks, this.chunklen).toString("binary");
      this.push(Buffer.from(decodeFlowed(body, Boolean(this.config.delSp)), "binary"));
    }
    callback();
  };
  installed = true;
}

interface FlowedState {
  chunks: Buffer[];
  chunklen: number;
  config: { delSp?: boolean };
  push(chunk: Buffer): boolean;
}
