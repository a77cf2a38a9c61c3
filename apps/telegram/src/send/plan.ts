/**
 * @module send/plan — the Bot API calls one CRM message becomes: text parts (split at 4096),
 * single files (photo, voice, document) and albums of up to 10 images, with the text as the
 * caption of the first item when it fits in 1024 characters.
 */
import { InvalidInputError, type Attachment, type Message } from "@switchboard/core";
import { formatContent } from "../format/format-content.js";
import { visibleLength, type Segment } from "../format/segments.js";
import { CAPTION_LIMIT, splitSegments, TEXT_LIMIT } from "../format/split.js";

/** Most items Telegram takes in one sendMediaGroup. */
export const ALBUM_LIMIT = 10;

/** One Bot API call of a message. `html` says whether text/caption goes with parse_mode HTML. */
export type SendStep =
  | { kind: "text"; segments: Segment[]; html: boolean }
  | { kind: "file"; attachment: Attachment; caption: Segment[] | undefined; html: boolean }
  | { kind: "album"; attachments: Attachment[]; caption: Segment[] | undefined; html: boolean };

/** Plans the calls for a message; a message that renders to nothing is invalid input. */
export function planMessage(message: Pick<Message, "content" | "attachments">): SendStep[] {
  const formatted = message.content ? formatContent(message.content) : undefined;
  const html = formatted?.html ?? false;
  const text = formatted && visibleLength(formatted.segments) > 0 ? formatted.segments : undefined;
  const media = mediaSteps(message.attachments, html);
  if (!text && media.length === 0) {
    throw new InvalidInputError("Telegram: the message has no text left after formatting and no attachments");
  }
  const first = media[0];
  if (text && first && visibleLength(text) <= CAPTION_LIMIT) {
    first.caption = text;
    return media;
  }
  const textSteps: SendStep[] = text
    ? splitSegments(text, TEXT_LIMIT).map((segments) => ({ kind: "text", segments, html }))
    : [];
  return [...textSteps, ...media];
}

/** How many Telegram messages a step makes: one per text part or file, one per image of an album. */
export function partsOf(step: SendStep): number {
  return step.kind === "album" ? step.attachments.length : 1;
}

type MediaStep = Extract<SendStep, { kind: "file" | "album" }>;

/** Images first (several go as albums; a lone one as a photo), then voices and files in order. */
function mediaSteps(attachments: readonly Attachment[], html: boolean): MediaStep[] {
  const images = attachments.filter((a) => a.type === "image");
  const others = attachments.filter((a) => a.type !== "image");
  const steps: MediaStep[] = [];
  for (let i = 0; i < images.length; i += ALBUM_LIMIT) {
    const group = images.slice(i, i + ALBUM_LIMIT);
    if (group.length === 1 && group[0]) steps.push({ kind: "file", attachment: group[0], caption: undefined, html });
    else steps.push({ kind: "album", attachments: group, caption: undefined, html });
  }
  for (const attachment of others) steps.push({ kind: "file", attachment, caption: undefined, html });
  return steps;
}
