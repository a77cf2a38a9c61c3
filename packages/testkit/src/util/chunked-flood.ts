/**
 * @module util/chunked-flood — posts a large body chunked (no Content-Length) over a real socket,
 * the way a hostile client would, and reports the answer and how much of the body was sent before
 * it came. A server that bounds bodies while they stream answers long before the end.
 */
import http from "node:http";

/** What {@link postChunkedFlood} observed. */
export interface FloodResult {
  status: number;
  /** The answer's body, parsed as JSON when it is JSON. */
  body: unknown;
  /** Body bytes written before the answer's headers arrived. */
  bytesSentBeforeAnswer: number;
  /** Body bytes the flood would have sent in all. */
  totalBytes: number;
}

/** Sends `totalBytes` of `fill` chunked to `url` (POST), stopping as soon as an answer arrives. */
export function postChunkedFlood(
  url: string,
  options: { totalBytes: number; headers?: Record<string, string>; chunkBytes?: number; fill?: string },
): Promise<FloodResult> {
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, options.fill ?? "a");
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, { method: "POST", headers: { ...options.headers } });
    req.on("response", (res) => {
      answered = true;
      const bytesSentBeforeAnswer = sent;
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        req.destroy();
        const text = Buffer.concat(parts).toString("utf8");
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: kept as text.
        }
        resolve({ status: res.statusCode ?? 0, body, bytesSentBeforeAnswer, totalBytes: options.totalBytes });
      });
      res.on("error", reject);
    });
    // Writes after the server stopped reading fail (EPIPE, ECONNRESET); only a missing answer counts.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < options.totalBytes) {
        const size = Math.min(chunk.length, options.totalBytes - sent);
        sent += size;
        if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
