/**
 * @module files/upload-store — files picked in the browser (the inbox's attachments, the customers'
 * photos), kept in memory and served at `/files/<id>/<name>`: the gateways download outgoing
 * attachments from there, like a CRM's file storage.
 */
import { randomBytes } from "node:crypto";
import type { UploadedFile } from "../customers/uploaded-file.js";

/** A stored file. */
export interface StoredUpload extends UploadedFile {
  id: string;
  /** Path under the sandbox's URL: `files/<id>/<name>`. */
  path: string;
}

/** Keeps the newest files up to a total size; older ones are forgotten first. */
export class UploadStore {
  private readonly files = new Map<string, StoredUpload>();
  private total = 0;

  constructor(private readonly maxTotalBytes = 200 * 1024 * 1024) {}

  /** Stores a file and returns it with its id and path. */
  put(file: UploadedFile): StoredUpload {
    const id = randomBytes(9).toString("base64url");
    const stored: StoredUpload = { ...file, id, path: `files/${id}/${encodeURIComponent(file.name)}` };
    this.files.set(id, stored);
    this.total += file.bytes.length;
    for (const [oldId, old] of this.files) {
      if (this.total <= this.maxTotalBytes || oldId === id) break;
      this.files.delete(oldId);
      this.total -= old.bytes.length;
    }
    return stored;
  }

  /** A stored file by id. */
  get(id: string): StoredUpload | undefined {
    return this.files.get(id);
  }
}

/** The protocol's attachment type for a content type. */
export function attachmentType(contentType: string): "image" | "voice" | "file" {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("audio/")) return "voice";
  return "file";
}
