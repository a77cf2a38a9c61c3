/**
 * @module send/sent-parts — Twilio messages already created for a queued send. A long text goes out
 * as several creates; when a later one fails and the queue retries, the earlier ones are not re-sent.
 */
import type { Database, PluginReference } from "@switchboard/core";

const KEEP_MS = 7 * 24 * 3600 * 1000;

/** Reads and writes the `sms_sent_parts` table. */
export class SentParts {
  private readonly select;
  private readonly insert;
  private readonly prune;

  constructor(db: Database) {
    const sqlite = db.$client;
    this.select = sqlite.prepare(`SELECT part_index, message_sid FROM sms_sent_parts WHERE queue_id = ?`);
    this.insert = sqlite.prepare(
      `INSERT OR REPLACE INTO sms_sent_parts (queue_id, part_index, company_id, plugin_alias, plugin_id, message_sid, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.prune = sqlite.prepare(`DELETE FROM sms_sent_parts WHERE created_at < ?`);
  }

  /** Message SIDs already created for a queue row, by part index. */
  created(queueId: number): Map<number, string> {
    const rows = this.select.all(queueId) as Array<{ part_index: number; message_sid: string }>;
    return new Map(rows.map((r) => [r.part_index, r.message_sid]));
  }

  /** Remembers a created part. */
  record(ref: PluginReference, queueId: number, partIndex: number, messageSid: string): void {
    this.insert.run(queueId, partIndex, ref.companyId, ref.pluginAlias, ref.pluginId, messageSid, Date.now());
  }

  /** Forgets parts of sends older than a week (long finished or given up). */
  pruneOld(): void {
    this.prune.run(Date.now() - KEEP_MS);
  }
}
