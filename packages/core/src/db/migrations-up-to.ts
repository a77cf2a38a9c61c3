/**
 * @module db/migrations-up-to — a copy of a drizzle migrations folder that stops at one migration,
 * for tests that build a database the way an earlier version left it and then upgrade it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary folder holding the migrations of `folder` up to and including the one tagged `lastTag`. */
export function migrationsUpTo(folder: string, lastTag: string): string {
  const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  };
  const last = journal.entries.findIndex((entry) => entry.tag === lastTag);
  if (last < 0) throw new Error(`No migration ${lastTag} in ${folder}`);
  journal.entries = journal.entries.slice(0, last + 1);
  const copy = mkdtempSync(join(tmpdir(), `migrations-${lastTag}-`));
  mkdirSync(join(copy, "meta"));
  for (const { tag } of journal.entries) copyFileSync(join(folder, `${tag}.sql`), join(copy, `${tag}.sql`));
  writeFileSync(join(copy, "meta/_journal.json"), JSON.stringify(journal));
  return copy;
}
