/**
 * @module icon — the PNG served at `/icon.png` (made by `scripts/make-icon.mjs`).
 */
import { readFileSync } from "node:fs";

/** The icon bytes; `assets/` sits one level above both `src/` and `dist/`. */
export function loadIcon(): Uint8Array {
  return new Uint8Array(readFileSync(new URL("../assets/icon.png", import.meta.url)));
}
