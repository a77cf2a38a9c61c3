/**
 * @module send/compose — the SMS bodies of one CRM message: flattened text plus attachment links,
 * split into Twilio-sized messages, with their segment count.
 */
import type { Attachment, MessageContent } from "@switchboard/core";
import { linkLines } from "./attachments.js";
import { contentToPlainText } from "./flatten.js";
import { countSegments, type SmsEncoding } from "./segments.js";
import { splitText } from "./split.js";

/** The bodies to create, in order, and what they cost. */
export interface ComposedText {
  bodies: string[];
  encoding: SmsEncoding;
  segments: number;
  characters: number;
}

/** Builds the bodies for a message's content and the attachments sent as links. */
export function composeText(content: MessageContent | null, links: Attachment[]): ComposedText {
  const text = [content ? contentToPlainText(content) : "", linkLines(links)].filter(Boolean).join("\n\n");
  const bodies = splitText(text);
  const counts = bodies.map(countSegments);
  return {
    bodies,
    encoding: counts.some((c) => c.encoding === "UCS-2") ? "UCS-2" : "GSM-7",
    segments: counts.reduce((sum, c) => sum + c.segments, 0),
    characters: text.length,
  };
}
