/**
 * @module files/file-key — what a signed file link carries: the Telegram file id plus the name and
 * type to serve it with (the link is signed, so none of it can be forged).
 */
import type { MediaFile } from "../webhook/media.js";

/** The signed-link kind served by the Telegram file resolver. */
export const FILE_KIND = "telegram";

/** What the resolver needs to serve a file. */
export interface FileRef {
  fileId: string;
  name: string;
  mimeType: string | undefined;
}

/** Encodes a file for a signed link. */
export function fileKey(file: Pick<MediaFile, "fileId" | "name" | "mimeType">): string {
  return JSON.stringify([file.fileId, file.name, file.mimeType ?? null]);
}

/** Decodes a key made by {@link fileKey}; undefined for anything else. */
export function parseFileKey(key: string): FileRef | undefined {
  try {
    const value: unknown = JSON.parse(key);
    if (!Array.isArray(value) || typeof value[0] !== "string" || typeof value[1] !== "string") return undefined;
    return { fileId: value[0], name: value[1], mimeType: typeof value[2] === "string" ? value[2] : undefined };
  } catch {
    return undefined;
  }
}
