/**
 * @module web/upload-ids — a message's `files`: ids of files uploaded with `POST /api/uploads`.
 */
import type { StoredUpload, UploadStore } from "../files/upload-store.js";
import { HttpProblem } from "./problems.js";

/** The uploads a JSON body's `files` names (up to 10); an unknown id is a 400. */
export function readUploadIds(value: unknown, uploads: UploadStore): StoredUpload[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 10)
    throw new HttpProblem(400, "files must be a list of up to 10 upload ids");
  return value.map((id) => {
    const stored = typeof id === "string" ? uploads.get(id) : undefined;
    if (!stored) throw new HttpProblem(400, "Unknown upload id: upload the file again");
    return stored;
  });
}
