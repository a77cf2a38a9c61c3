/**
 * @module files/upload-limits — `SWITCHBOARD_UPLOAD_LIMITS`: which file extensions the upload
 * routes take and how large each may be (PHP's uploader `permissions`, extension → bytes).
 */

/** Extension (lower case, `*` for any other) → largest size in bytes; empty when uploads are off. */
export type UploadLimits = ReadonlyMap<string, number>;

/** The default: any extension up to 10 MiB, as the PHP chat example registers its uploaders. */
export const DEFAULT_UPLOAD_LIMITS = "*=10MiB";

const UNITS = new Map<string, number>([
  ["", 1],
  ["b", 1],
  ["k", 1024],
  ["kb", 1024],
  ["kib", 1024],
  ["m", 1024 ** 2],
  ["mb", 1024 ** 2],
  ["mib", 1024 ** 2],
  ["g", 1024 ** 3],
  ["gb", 1024 ** 3],
  ["gib", 1024 ** 3],
]);

/**
 * Parses `jpg=5MB,png=5MB,*=10MB`: comma-separated `extension=size`, sizes in bytes or with
 * K/KB/KiB, M/MB/MiB, G/GB/GiB (all binary, as PHP's `1024 * 1024`). An empty value turns uploads
 * off. Throws a message naming the bad entry.
 */
export function parseUploadLimits(value: string): UploadLimits {
  const limits = new Map<string, number>();
  for (const entry of value.split(",")) {
    if (entry.trim() === "") continue;
    const match = /^\s*(\*|[A-Za-z0-9]{1,32})\s*=\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(entry);
    const unit = match ? UNITS.get(match[3]!.toLowerCase()) : undefined;
    if (!match || unit === undefined) {
      throw new Error(`"${entry.trim()}" is not extension=size (e.g. jpg=5MiB or *=10485760)`);
    }
    limits.set(match[1]!.toLowerCase(), Math.floor(Number(match[2]) * unit));
  }
  return limits;
}

/** The limit for a file extension: its own entry first, then `*`; undefined when not allowed. */
export function uploadLimitFor(limits: UploadLimits, extension: string): number | undefined {
  return limits.get(extension) ?? limits.get("*");
}

/** The limits as PHP answers them in `permissions` (`[]` when there are none, as PHP's empty array). */
export function permissionsJson(limits: UploadLimits): Record<string, number> | [] {
  return limits.size === 0 ? [] : Object.fromEntries(limits);
}
