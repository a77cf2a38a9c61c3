/**
 * @module crm-simulator/gateway-client — the calls a CRM makes to a gateway, each logged as an event.
 */
import { decodeJwt } from "jose";
import type { EventLog } from "./event-log.js";
import { normaliseBaseUrl, type RegistrationBook } from "./registrations.js";
import type { TokenMinter } from "./token-minter.js";
import type { CrmEventKind, PluginRef, SendBody } from "./types.js";

interface CallSpec {
  kind: CrmEventKind;
  method: string;
  gatewayUrl: string;
  path: string;
  ref?: PluginRef;
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Performs CRM → gateway calls and returns the raw fetch Response. */
export class GatewayClient {
  constructor(
    private readonly minter: TokenMinter,
    private readonly book: RegistrationBook,
    private readonly log: EventLog,
  ) {}

  /** PUTs a registration token; when the gateway answers 2xx the new HPT replaces the old one. */
  async register(gatewayUrl: string, ref: PluginRef, extraClaims?: Record<string, unknown>): Promise<Response> {
    const { token, hpt } = this.minter.registration(gatewayUrl, ref, extraClaims);
    const res = await this.call({
      kind: "registration",
      method: "PUT",
      gatewayUrl,
      path: "registration",
      ref,
      token,
      body: { registration: token },
    });
    if (res.ok) this.book.remember(gatewayUrl, ref, hpt);
    return res;
  }

  /** GET /info, optionally with an Accept-Language header. */
  getInfo(gatewayUrl: string, lang?: string): Promise<Response> {
    const headers = lang ? { "accept-language": lang } : undefined;
    return this.call({ kind: "info", method: "GET", gatewayUrl, path: "info", headers });
  }

  /** GET /protected/forms/settings. */
  getSettingsForm(gatewayUrl: string, ref: PluginRef): Promise<Response> {
    return this.withPluginToken("settings-form", "GET", gatewayUrl, ref, "protected/forms/settings");
  }

  /** GET /protected/data/settings. */
  getSettings(gatewayUrl: string, ref: PluginRef): Promise<Response> {
    return this.withPluginToken("settings-get", "GET", gatewayUrl, ref, "protected/data/settings");
  }

  /** PUT /protected/data/settings with `data` as JSON (in `language`, as the CRM's Accept-Language). */
  putSettings(gatewayUrl: string, ref: PluginRef, data: unknown, language?: string): Promise<Response> {
    return this.withPluginToken("settings-put", "PUT", gatewayUrl, ref, "protected/data/settings", data, {
      language,
    });
  }

  /** Any X-PLUGIN-TOKEN call (autocomplete, previews...); `path` is relative to the gateway base. */
  withPluginToken(
    kind: CrmEventKind,
    method: string,
    gatewayUrl: string,
    ref: PluginRef,
    path: string,
    body?: unknown,
    options: { settings?: boolean; language?: string } = {},
  ): Promise<Response> {
    const token = this.minter.plugin(gatewayUrl, ref, { settings: options.settings });
    const headers: Record<string, string> = { "x-plugin-token": token };
    if (options.language) headers["accept-language"] = options.language;
    return this.call({ kind, method, gatewayUrl, path, ref, token, headers, body });
  }

  /** POST /special/send `{request: <token with claim body>}`. */
  send(gatewayUrl: string, ref: PluginRef, body: SendBody | Record<string, unknown>): Promise<Response> {
    const token = this.minter.special(gatewayUrl, ref, body);
    return this.call({
      kind: "send",
      method: "POST",
      gatewayUrl,
      path: "special/send",
      ref,
      token,
      body: { request: token },
    });
  }

  private async call(spec: CallSpec): Promise<Response> {
    this.book.addGateway(spec.gatewayUrl);
    const url = new URL(spec.path, normaliseBaseUrl(spec.gatewayUrl)).toString();
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    const event = {
      direction: "to-gateway",
      kind: spec.kind,
      method: spec.method,
      url,
      ref: spec.ref,
      claims: spec.token ? publicClaims(spec.token) : undefined,
      requestBody: spec.body,
    } as const;
    let res: Response;
    try {
      res = await fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      });
    } catch (error) {
      this.log.record({ ...event, status: 0, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    this.log.record({ ...event, status: res.status, responseBody: await readBody(res.clone()) });
    return res;
  }
}

/** Decoded claims for the event log, with the HPT secret masked. */
function publicClaims(token: string): Record<string, unknown> {
  const claims = decodeJwt(token) as Record<string, unknown>;
  return "HPT" in claims ? { ...claims, HPT: "***" } : claims;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => "");
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
  }
}
