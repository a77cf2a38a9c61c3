/**
 * @module test/raw-smtp — a bare SMTP client over a socket, for tests that need what a mail
 * library will not do: choose the source address, hold a session open, send odd commands.
 */
import { connect, type Socket } from "node:net";

/** One client connection; replies are read in order. */
export class RawSmtp {
  private buffer = "";
  private readonly replies: string[] = [];
  private readonly waiting: Array<(reply: string) => void> = [];
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.receive(chunk));
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  /**
   * Connects from `localAddress` (any 127.x.y.z works on loopback), sends `proxyHeader` first if
   * given (a balancer's PROXY protocol line), and reads the greeting.
   */
  static async open(
    port: number,
    localAddress = "127.0.0.1",
    proxyHeader?: string,
  ): Promise<{ client: RawSmtp; greeting: string }> {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    const client = new RawSmtp(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    if (proxyHeader !== undefined) socket.write(proxyHeader);
    return { client, greeting: await client.reply() };
  }

  /** The next complete reply (all lines of a multi-line one). */
  reply(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends one command line and returns its reply. */
  send(command: string): Promise<string> {
    this.socket.write(`${command}\r\n`);
    return this.reply();
  }

  /** Writes without waiting for a reply (message data, or a client that trickles). */
  write(data: string): void {
    this.socket.write(data);
  }

  /** Closes the connection from the client side. */
  end(): void {
    this.socket.end();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let lines: string[] = [];
    for (;;) {
      const end = this.buffer.indexOf("\r\n");
      if (end < 0) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      lines.push(line);
      // "250-" continues a reply, "250 " ends it.
      if (line[3] === "-") continue;
      const reply = lines.join("\n");
      lines = [];
      const waiter = this.waiting.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    }
    if (lines.length) this.buffer = lines.map((l) => `${l}\r\n`).join("") + this.buffer;
  }
}
