/**
 * @module db/migrations — where the host's drizzle-kit migrations live (applied by core at start).
 */
import { fileURLToPath } from "node:url";

/** Absolute path of the host's migrations folder (same relative place from src/ and dist/). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
