/**
 * @module smtp-sink/scripted-replies — a queue of SMTP error replies, each used once at its stage.
 */
import type { ScriptedReply, SmtpStage } from "./types.js";

/** An error smtp-server turns into the reply `responseCode message`. */
export type SmtpReplyError = Error & { responseCode: number };

/** Keeps scripted replies in order; `take(stage)` removes and returns the first one for that stage. */
export class ScriptedReplies {
  private readonly queue: ScriptedReply[] = [];

  /** Number of replies not used yet. */
  get size(): number {
    return this.queue.length;
  }

  /** Adds a reply to the queue. */
  push(reply: ScriptedReply): void {
    this.queue.push(reply);
  }

  /** Drops every reply. */
  clear(): void {
    this.queue.length = 0;
  }

  /** The error to answer this stage with, or undefined to proceed normally. */
  take(stage: SmtpStage): SmtpReplyError | undefined {
    const index = this.queue.findIndex((reply) => (reply.stage ?? "RCPT") === stage);
    if (index < 0) return undefined;
    const [reply] = this.queue.splice(index, 1);
    if (!reply) return undefined;
    const error = new Error(reply.message ?? defaultText(reply.code)) as SmtpReplyError;
    error.responseCode = reply.code;
    return error;
  }
}

function defaultText(code: number): string {
  if (code === 421) return "Service not available, closing transmission channel";
  if (code >= 500) return "Requested action not taken: mailbox unavailable";
  return "Requested action aborted: try again later";
}
