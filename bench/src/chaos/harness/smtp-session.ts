/**
 * A raw SMTP client for the bad-input run: sends commands exactly as given (no client library
 * would send malformed ones) and collects every reply, so a property can check each of them.
 */
import { connect, type Socket } from "node:net";

/** One SMTP reply: its code and full text (all lines). */
export interface SmtpReply {
  code: number;
  text: string;
}

/** What a session got back; `dropped` is set when the server closed the connection unasked. */
export interface SmtpTranscript {
  replies: SmtpReply[];
  dropped: boolean;
}

class ReplyReader {
  private buffer = "";
  private waiting: ((reply: SmtpReply | undefined) => void) | undefined;
  private closed = false;

  constructor(socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    const end = () => {
      this.closed = true;
      this.deliver();
    };
    socket.on("close", end);
    socket.on("error", end);
  }

  /** The next complete reply (`NNN text` as its last line), or undefined once the connection is gone. */
  next(timeoutMs: number): Promise<SmtpReply | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    const lines = this.buffer.split("\r\n");
    const last = lines.findIndex((line) => /^\d{3}(?: |$)/.test(line));
    if (last >= 0) {
      const text = lines.slice(0, last + 1).join("\n");
      this.buffer = lines.slice(last + 1).join("\r\n");
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ code: Number(lines[last]!.slice(0, 3)), text });
    } else if (this.closed) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(undefined);
    }
  }
}

/** Runs one session: greeting, each command (with `message` after a 354), then QUIT. */
export async function smtpSession(port: number, commands: string[], message: string): Promise<SmtpTranscript> {
  const socket = connect({ host: "127.0.0.1", port });
  const reader = new ReplyReader(socket);
  const replies: SmtpReply[] = [];
  const read = async (): Promise<boolean> => {
    const reply = await reader.next(10_000);
    if (reply) replies.push(reply);
    return reply !== undefined;
  };
  try {
    if (!(await read())) return { replies, dropped: true };
    for (const command of [...commands, "QUIT"]) {
      socket.write(command + "\r\n");
      if (!(await read())) return { replies, dropped: command !== "QUIT" };
      if (replies.at(-1)?.code === 354) {
        // Dot-stuffed as RFC 5321 asks, so the message cannot end the DATA phase early.
        socket.write(message.replace(/^\./gm, "..").replace(/\r?\n/g, "\r\n") + "\r\n.\r\n");
        if (!(await read())) return { replies, dropped: true };
      }
    }
    return { replies, dropped: false };
  } finally {
    socket.destroy();
  }
}
