/**
 * @module net/safe-fetch — attachment downloads through the guarded request (address policy on
 * every hop, total deadline), within a size limit and the process's budget of bytes in flight.
 */
import { Readable } from "node:stream";
import { FetchError } from "../errors.js";
import { declaredLength } from "./content-length.js";
import { bodyChunks, guardedRequest, type GuardedResponse, type Resolver } from "./guarded-request.js";
import { outboundPolicy } from "./outbound-policy.js";

/** Options of {@link safeFetch}, {@link safeStream} and {@link safeHead}. */
export interface SafeFetchOptions {
  maxBytes?: number;
  /** Total deadline (default: the process's download deadline, `SWITCHBOARD_DOWNLOAD_DEADLINE_MS`). */
  timeoutMs?: number;
  headers?: Record<string, string>;
  allowPrivate?: boolean;
  maxRedirects?: number;
  signal?: AbortSignal;
  resolve?: Resolver;
}

/** A downloaded resource. */
export interface Downloaded {
  data: Buffer;
  contentType: string | undefined;
}

/** A download being streamed: read `body` once; the deadline and size limit still apply. */
export interface DownloadStream {
  body: Readable;
  contentType: string | undefined;
  /** Declared Content-Length, when the server sent one. */
  size: number | undefined;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
const WHAT = "Attachment download";

/**
 * Downloads `uri` (http/https only) into memory; throws `FetchError` saying whether a retry can
 * help. Before the body is read, its size (declared, or else the size limit) is reserved from the
 * process's download budget, waiting while other downloads hold it; the socket is not read
 * meanwhile. Reserving all at once means two half-done downloads can never wait for each other.
 */
export async function safeFetch(uri: string, options: SafeFetchOptions = {}): Promise<Downloaded> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const res = await openDownload(uri, maxBytes, options);
  const declared = contentLength(res);
  const budget = outboundPolicy().downloadBudget;
  // A file larger than the whole budget is let through alone (see ByteBudget.take).
  const reserved = declared ?? maxBytes;
  await budget.take(reserved);
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of bodyChunks(res, WHAT)) {
      size += chunk.length;
      if (size > maxBytes) {
        res.body.destroy();
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
    return { data: Buffer.concat(chunks), contentType: res.headers["content-type"] };
  } finally {
    budget.give(reserved);
  }
}

/**
 * Opens a download and hands its body over as a stream. Each chunk is held against the process's
 * budget until the reader has taken it, so many parallel downloads wait instead of growing memory.
 */
export async function safeStream(uri: string, options: SafeFetchOptions = {}): Promise<DownloadStream> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const res = await openDownload(uri, maxBytes, options);
  return {
    body: Readable.from(metered(res, maxBytes), { objectMode: false }),
    contentType: res.headers["content-type"],
    size: contentLength(res),
  };
}

/** Size and type of `uri` from a HEAD request; nothing is downloaded. */
export async function safeHead(
  uri: string,
  options: SafeFetchOptions = {},
): Promise<{ size: number | undefined; contentType: string | undefined }> {
  const res = await open(uri, "HEAD", options);
  res.body.resume();
  return { size: contentLength(res), contentType: res.headers["content-type"] };
}

async function open(uri: string, method: string, options: SafeFetchOptions): Promise<GuardedResponse> {
  const res = await guardedRequest(uri, {
    method,
    what: WHAT,
    deadlineMs: options.timeoutMs ?? outboundPolicy().downloadDeadlineMs,
    maxRedirects: options.maxRedirects ?? 5,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.allowPrivate !== undefined ? { allowPrivate: options.allowPrivate } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  if (res.status < 200 || res.status >= 300) {
    res.body.resume();
    const status = res.status;
    const retryable = status >= 500 || status === 408 || status === 429;
    throw new FetchError(`Attachment download failed with HTTP ${status}`, { retryable, status });
  }
  return res;
}

// A GET whose body, when declared larger than `maxBytes`, is refused before a byte of it is read.
async function openDownload(uri: string, maxBytes: number, options: SafeFetchOptions): Promise<GuardedResponse> {
  const res = await open(uri, "GET", options);
  const declared = contentLength(res);
  if (declared !== undefined && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge(maxBytes);
  }
  return res;
}

async function* metered(res: GuardedResponse, maxBytes: number): AsyncGenerator<Buffer> {
  const budget = outboundPolicy().downloadBudget;
  let size = 0;
  try {
    for await (const chunk of bodyChunks(res, WHAT)) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      await budget.take(chunk.length);
      try {
        yield chunk;
      } finally {
        budget.give(chunk.length);
      }
    }
  } finally {
    if (!res.body.readableEnded) res.body.destroy();
  }
}

function contentLength(res: GuardedResponse): number | undefined {
  return declaredLength(res.headers["content-length"]);
}

function tooLarge(maxBytes: number): FetchError {
  return new FetchError(`Attachment is larger than ${maxBytes} bytes`, { retryable: false });
}
