/**
 * @module channel/api — the Echo channel's HTTP-JSON API: send a message, point the channel at our webhooks.
 *
 * Wire (see the package README): `POST {apiUrl}/messages` and `POST {apiUrl}/webhooks`, JSON both
 * ways, `Authorization: Bearer <apiKey>`; an error answer may carry `{ "error": "…" }` and `Retry-After`.
 */
import { ChannelRefusedError, createGuardedFetch } from "@switchboard/core";
import { apiBase, type EchoAccount } from "../settings/form.js";
import { classifyFailure, networkFailure } from "./classify-failure.js";

/** The largest answer body read from the API (its answers are small JSON objects). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** One attachment of an outgoing message: the channel downloads it from `url`. */
export interface OutgoingFile {
  url: string;
  name: string;
  type: string;
}

/** The body of `POST /messages`. */
export interface SendRequest {
  to: string;
  text: string;
  attachments: OutgoingFile[];
}

/** The URLs the channel posts customer messages and delivery statuses to. */
export interface WebhookUrls {
  messages: string;
  statuses: string;
}

/** A call the API answered with a failure status, before it is classified (for settings checks). */
export class EchoApiAnswer {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    readonly retryAfter: string | null,
  ) {}
}

/** The API client: stateless apart from the kept-alive connections of its guarded fetch. */
export interface EchoApi {
  /** Sends one message; resolves to the channel's id of it, or throws a classified Switchboard error. */
  sendMessage(account: EchoAccount, request: SendRequest, signal?: AbortSignal): Promise<string>;
  /** Tells the channel where our webhooks are; resolves to the failure answer, or undefined when it took them. */
  registerWebhooks(account: EchoAccount, urls: WebhookUrls): Promise<EchoApiAnswer | undefined>;
}

/** Builds the client; every request goes through core's guarded fetch with a total deadline. */
export function createEchoApi({ deadlineMs }: { deadlineMs: number }): EchoApi {
  const guarded = createGuardedFetch({ deadlineMs, what: "Echo API", keepAlive: true });

  async function post(account: EchoAccount, path: string, body: unknown, signal?: AbortSignal) {
    let res: Response;
    try {
      res = await guarded(`${apiBase(account)}/${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${account.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify(body),
        signal,
      });
    } catch (cause) {
      throw networkFailure(cause);
    }
    const text = await readText(res);
    const json = parseJson(text);
    return { res, json };
  }

  return {
    async sendMessage(account, request, signal) {
      const { res, json } = await post(account, "messages", request, signal);
      if (!res.ok) throw classifyFailure(res.status, errorOf(json), res.headers.get("retry-after"));
      const id = (json as { id?: unknown } | undefined)?.id;
      if (typeof id !== "string" && typeof id !== "number") {
        // The channel took the message but gave no id to report statuses by; a retry would send it twice.
        throw new ChannelRefusedError("Echo: the API took the message but answered no id", { permanent: true });
      }
      return String(id);
    },
    async registerWebhooks(account, urls) {
      const { res, json } = await post(account, "webhooks", urls);
      return res.ok ? undefined : new EchoApiAnswer(res.status, errorOf(json), res.headers.get("retry-after"));
    },
  };
}

/** The answer's body as text, or "" when it is longer than {@link MAX_ANSWER_BYTES} or breaks off. */
async function readText(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_BYTES) {
        await reader.cancel();
        return "";
      }
      chunks.push(value);
    }
  } catch {
    return "";
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The channel's own error message from an answer body, shortened for the CRM. */
function errorOf(json: unknown): string | undefined {
  const error = (json as { error?: unknown } | undefined)?.error;
  return typeof error === "string" && error ? error.slice(0, 300) : undefined;
}
