/**
 * @module webhook/media — the files of an incoming message (photo at its largest size, voice,
 * document, audio, video, video note, sticker) and shared items written out as text.
 */
import type { AttachmentType } from "@switchboard/core";
import type { Message } from "grammy/types";

/** Bots can only download files up to this size with getFile. */
export const DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/** A Telegram file of a message, and how the CRM should see it. */
export interface MediaFile {
  fileId: string;
  name: string;
  type: AttachmentType;
  mimeType: string | undefined;
  size: number | undefined;
}

function file(
  fileId: string,
  uniqueId: string,
  type: AttachmentType,
  fallbackName: string,
  extension: string,
  mimeType?: string,
  size?: number,
  fileName?: string,
): MediaFile {
  return { fileId, type, mimeType, size, name: fileName || `${fallbackName}_${uniqueId}.${extension}` };
}

/** Every downloadable file in a message. */
export function mediaOf(m: Message): MediaFile[] {
  const out: MediaFile[] = [];
  if (m.photo && m.photo.length > 0) {
    const largest = m.photo.reduce((a, b) => (b.width * b.height >= a.width * a.height ? b : a));
    out.push(file(largest.file_id, largest.file_unique_id, "image", "photo", "jpg", "image/jpeg", largest.file_size));
  }
  if (m.voice)
    out.push(
      file(
        m.voice.file_id,
        m.voice.file_unique_id,
        "voice",
        "voice",
        "ogg",
        m.voice.mime_type ?? "audio/ogg",
        m.voice.file_size,
      ),
    );
  if (m.audio) {
    const a = m.audio;
    out.push(file(a.file_id, a.file_unique_id, "file", "audio", "mp3", a.mime_type, a.file_size, a.file_name));
  }
  if (m.video) {
    const v = m.video;
    out.push(file(v.file_id, v.file_unique_id, "file", "video", "mp4", v.mime_type, v.file_size, v.file_name));
  }
  if (m.video_note)
    out.push(
      file(
        m.video_note.file_id,
        m.video_note.file_unique_id,
        "file",
        "video_note",
        "mp4",
        "video/mp4",
        m.video_note.file_size,
      ),
    );
  // An animation (GIF) also arrives as `document`; take it once.
  if (m.document) {
    const d = m.document;
    out.push(file(d.file_id, d.file_unique_id, "file", "document", "bin", d.mime_type, d.file_size, d.file_name));
  }
  if (m.sticker) {
    const s = m.sticker;
    const [ext, mime] = s.is_animated
      ? ["tgs", "application/x-tgsticker"]
      : s.is_video
        ? ["webm", "video/webm"]
        : ["webp", "image/webp"];
    out.push(file(s.file_id, s.file_unique_id, "image", "sticker", ext, mime, s.file_size));
  }
  return out;
}

/** Locations, venues and contacts as lines of text (they have no file to attach). */
export function describeSharedItems(m: Message): string[] {
  const lines: string[] = [];
  if (m.venue) {
    const { title, address, location } = m.venue;
    lines.push(`📍 ${title}, ${address}: ${mapLink(location.latitude, location.longitude)}`);
  } else if (m.location) {
    lines.push(`📍 Location: ${mapLink(m.location.latitude, m.location.longitude)}`);
  }
  if (m.contact) {
    const name = [m.contact.first_name, m.contact.last_name].filter(Boolean).join(" ");
    lines.push(`👤 Contact: ${name}, ${m.contact.phone_number}`);
  }
  if (m.sticker?.emoji) lines.push(m.sticker.emoji);
  return lines;
}

function mapLink(latitude: number, longitude: number): string {
  return `https://maps.google.com/?q=${latitude},${longitude}`;
}
