/**
 * @module webhooks/webhook-request — a webhook's already-read body and its views (text, JSON,
 * form), each computed once on first use, and its headers read from Node's parsed ones: a WHATWG
 * `Headers` per request, or the public URL when no signature needs it, is a measurable share of a
 * webhook's cost.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { WebhookHeaders, WebhookRequest } from "../gateway/types.js";

/** The parts of a request the route has at hand; `publicUrl` is computed only if asked for. */
export interface WebhookRequestParts {
  method: string;
  url: string;
  publicUrl: () => string;
  params: Record<string, string>;
  /** Node's parsed headers when the request came through the socket; else the WHATWG ones. */
  headers: IncomingHttpHeaders | Headers;
  body: Buffer;
}

/** Wraps a bounded body for `verify` and `parse`. */
export function webhookRequest(parts: WebhookRequestParts): WebhookRequest {
  return new BoundedWebhookRequest(parts);
}

class BoundedWebhookRequest implements WebhookRequest {
  readonly method: string;
  readonly url: string;
  readonly params: Record<string, string>;
  readonly headers: WebhookHeaders;
  readonly body: Buffer;
  private readonly publicUrlOf: () => string;
  private textValue: string | undefined;
  private jsonValue: { value: unknown } | undefined;
  private formValue: URLSearchParams | undefined;
  private publicUrlValue: string | undefined;

  constructor(parts: WebhookRequestParts) {
    this.method = parts.method;
    this.url = parts.url;
    this.params = parts.params;
    this.body = parts.body;
    this.publicUrlOf = parts.publicUrl;
    this.headers = parts.headers instanceof Headers ? parts.headers : nodeHeaders(parts.headers);
  }

  get publicUrl(): string {
    return (this.publicUrlValue ??= this.publicUrlOf());
  }

  text(): string {
    return (this.textValue ??= this.body.toString("utf8"));
  }

  json(): unknown {
    this.jsonValue ??= { value: parseJson(this.text()) };
    return this.jsonValue.value;
  }

  form(): URLSearchParams {
    return (this.formValue ??= new URLSearchParams(this.text()));
  }
}

function nodeHeaders(headers: IncomingHttpHeaders): WebhookHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
