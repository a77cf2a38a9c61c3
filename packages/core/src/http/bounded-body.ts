/**
 * @module http/bounded-body — the one way a route reads its request body: bytes are counted as they
 * arrive from the Node socket, and the moment a route's limit is passed the bytes stop being kept
 * and the request is answered 413 `{code, message}`. A declared Content-Length over the limit is
 * refused before a byte is kept. Nothing is buffered past the limit, chunked or not. `readBody`
 * reads a protocol route's JSON or form body into an object the same way.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { HttpError } from "../errors.js";

/** Limit of a route that does not name its own: 10 MiB. */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** The 413 every over-limit body gets. */
export class BodyTooLargeError extends HttpError {
  constructor(readonly limit: number) {
    super(413, `Request body is larger than ${limit} bytes`);
  }
}

/**
 * Reads the whole body, at most `maxBytes`. On Node it reads the socket stream directly: going
 * through `c.req.text()` makes the adapter build a full WHATWG Request (with its AbortSignal) per
 * request, which costs more CPU than everything else on the send path.
 */
export async function readBoundedBody(c: Context, maxBytes: number = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const socket = incoming && typeof incoming.on === "function" ? incoming : undefined;
  try {
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > maxBytes) throw new BodyTooLargeError(maxBytes);
    if (socket && !socket.readableDidRead && !socket.readableEnded) return await readSocket(socket, maxBytes);
    return await readWebStream(c.req.raw.body, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      if (socket) discardRest(socket);
      else c.header("connection", "close");
    }
    throw error;
  }
}

/** How much of an over-limit body is read and thrown away so the client gets to read the 413. */
const DISCARD_MAX_BYTES = 32 * 1024 * 1024;
const DISCARD_MAX_MS = 5000;

/**
 * The 413 goes out at once, but closing a socket with unread bytes makes TCP reset it, and a client
 * still sending may then lose the answer. So the rest is read and dropped (nothing is kept) for a
 * bounded number of bytes and time; past either, the socket is closed.
 */
function discardRest(incoming: IncomingMessage): void {
  if (incoming.readableEnded) return;
  let discarded = 0;
  const close = () => {
    cleanup();
    incoming.socket?.destroy();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) close();
  };
  const timer = setTimeout(close, DISCARD_MAX_MS);
  timer.unref();
  const cleanup = () => {
    clearTimeout(timer);
    incoming.off("data", onData);
  };
  incoming.on("data", onData);
  incoming.once("end", cleanup);
  incoming.once("close", cleanup);
  incoming.resume();
}

/** {@link readBoundedBody} as UTF-8 text. */
export async function readBoundedText(c: Context, maxBytes: number = DEFAULT_BODY_LIMIT): Promise<string> {
  return (await readBoundedBody(c, maxBytes)).toString("utf8");
}

/**
 * Reads a JSON or form body as an object, at most `maxBytes` (413 past it, see
 * {@link readBoundedBody}); malformed bodies are a 400, not a crash.
 */
export async function readBody(c: Context, maxBytes: number = DEFAULT_BODY_LIMIT): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  const raw = await readBoundedBody(c, maxBytes);
  try {
    if (type.includes("application/x-www-form-urlencoded")) {
      return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    }
    if (type.includes("multipart/form-data")) {
      // Only here is a WHATWG object built: the bytes are already in, bounded.
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      return Object.fromEntries(form) as Record<string, unknown>;
    }
    const text = raw.toString("utf8");
    if (text.trim() === "") return {};
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Falls through to the 400 below.
  }
  throw new HttpError(400, "Request body must be a JSON object");
}

function readSocket(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop keeping bytes: the caller answers 413 now and discards the rest (see discardRest).
        cleanup();
        incoming.pause();
        chunks.length = 0;
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpError(400, `The request body could not be read: ${error.message}`));
    };
    const onAborted = () => onError(new Error("the client went away"));
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("aborted", onAborted);
  });
}

async function readWebStream(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
