/**
 * @module net/post-json — a JSON request over kept-alive connections, answering only the status.
 * The CRM outbox sends thousands of these; node:http with a keep-alive agent costs a fraction of
 * fetch's per-request Request/AbortSignal machinery.
 */
import http from "node:http";
import https from "node:https";

const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** Sends `body` as JSON with `method` to `url`; resolves with the HTTP status, rejects on network errors and timeouts. */
export function sendJson(
  url: string,
  method: string,
  body: string,
  options: { headers?: Record<string, string>; timeoutMs: number },
): Promise<number> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const agent = agents[target.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`Unsupported protocol ${target.protocol}`));
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method,
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...options.headers },
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`No answer within ${options.timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
