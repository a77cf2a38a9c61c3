/**
 * @module net/safe-fetch — downloads attachment URIs with an SSRF guard (checked on the resolved
 * address at connect time, so DNS rebinding cannot slip through), a size limit and a time limit.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { FetchError } from "../errors.js";
import { isPrivateAddress } from "./address-policy.js";

/** Options of {@link safeFetch}. */
export interface SafeFetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
  headers?: Record<string, string>;
  allowPrivate?: boolean;
  maxRedirects?: number;
}

/** A downloaded resource. */
export interface Downloaded {
  data: Buffer;
  contentType: string | undefined;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** Downloads `uri` (http/https only); throws `FetchError` saying whether a retry can help. */
export async function safeFetch(uri: string, options: SafeFetchOptions = {}): Promise<Downloaded> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new FetchError("Attachment URI is not a valid URL", { retryable: false });
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let redirects = 0; ; redirects++) {
    const res = await request(url, options, deadline);
    if ("redirect" in res) {
      if (redirects >= (options.maxRedirects ?? 5)) {
        throw new FetchError("Attachment URI redirects too many times", { retryable: false });
      }
      url = new URL(res.redirect, url);
      continue;
    }
    return res;
  }
}

function request(url: URL, options: SafeFetchOptions, deadline: number): Promise<Downloaded | { redirect: string }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(new FetchError(`Attachment URI scheme ${url.protocol} is not allowed`, { retryable: false }));
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return Promise.reject(new FetchError("Attachment URI points to a private address", { retryable: false }));
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      {
        headers: { "user-agent": "Switchboard/1.0", ...options.headers },
        timeout: Math.max(deadline - Date.now(), 1),
        lookup: options.allowPrivate ? undefined : guardedLookup,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolve({ redirect: res.headers.location });
          return;
        }
        if (status < 200 || status >= 300) {
          res.resume();
          const retryable = status >= 500 || status === 408 || status === 429;
          reject(new FetchError(`Attachment download failed with HTTP ${status}`, { retryable, status }));
          return;
        }
        const declared = Number(res.headers["content-length"] ?? NaN);
        if (declared > maxBytes) {
          res.destroy();
          reject(new FetchError(`Attachment is larger than ${maxBytes} bytes`, { retryable: false }));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new FetchError(`Attachment is larger than ${maxBytes} bytes`, { retryable: false }));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ data: Buffer.concat(chunks), contentType: res.headers["content-type"] }));
        res.on("error", (error) =>
          reject(new FetchError("Attachment download was interrupted", { retryable: true, cause: error })),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => {
      if (error instanceof FetchError) return reject(error);
      const blockedAddress = (error as { code?: string }).code === "ESWITCHBOARD_PRIVATE";
      reject(
        blockedAddress
          ? new FetchError("Attachment URI resolves to a private address", { retryable: false })
          : new FetchError(`Attachment download failed: ${error.message}`, { retryable: true, cause: error }),
      );
    });
  });
}

// Checks every address the name resolves to; refusing here refuses the connection itself.
function guardedLookup(
  hostname: string,
  options: object,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    if (list.some((a) => isPrivateAddress(a.address))) {
      const blocked = Object.assign(new Error("private address"), { code: "ESWITCHBOARD_PRIVATE" });
      return callback(blocked, []);
    }
    const all = (options as { all?: boolean }).all;
    if (all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}
