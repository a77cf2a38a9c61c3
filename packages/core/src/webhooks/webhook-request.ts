/**
 * @module webhooks/webhook-request — a webhook's already-read body and its views (text, JSON, form).
 */
import type { WebhookRequest } from "../gateway/types.js";

/** Wraps a bounded body; each view is computed once, on first use. */
export function webhookRequest(parts: {
  method: string;
  url: string;
  publicUrl: string;
  params: Record<string, string>;
  headers: Headers;
  body: Buffer;
}): WebhookRequest {
  let text: string | undefined;
  let json: { value: unknown } | undefined;
  let form: URLSearchParams | undefined;
  return {
    ...parts,
    text: () => (text ??= parts.body.toString("utf8")),
    json() {
      json ??= { value: parseJson(this.text()) };
      return json.value;
    },
    form: () => (form ??= new URLSearchParams(parts.body.toString("utf8"))),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
