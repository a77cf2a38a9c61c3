/**
 * @module routes/settings-handler — `POST bitrix24/settings`, the connector's settings slider
 * (placement `SETTING_CONNECTOR`, b24restdocs `widgets/setting-connector.md`). The portal's POST is
 * checked against the application token saved at install (constant time), and the form is drawn for
 * that Open Line with a sealed form token; the page's own POST back carries only that token (so a
 * cross-site POST can save nothing), is validated and verified by the gateway, and then the line is
 * switched on: `imconnector.activate`, then `imconnector.connector.data.set`.
 */
import {
  ownEntry,
  SettingsValidationError,
  translate,
  type Language,
  type SettingsData,
  type Tenant,
} from "@switchboard/core";
import {
  parseSettingsForm,
  renderSettingsPage,
  settingsPageHeaders,
  type SettingsFieldErrors,
  type SettingsStatusRow,
  withoutPasswords,
} from "@switchboard/core/internal";
import { languageOf } from "../host/language.js";
import { lineKey, openLine, type HostContext } from "../host/host-context.js";
import type { LineTenant } from "../host/ports.js";
import { issueFormToken, readFormToken } from "../settings/form-token.js";
import type { LineState } from "../store/line-store.js";
import type { PortalInfo } from "../store/portal-store.js";
import { ROUTE_PATHS } from "./route-paths.js";
import { SETTINGS_TEXTS as T, withDetail } from "./settings-texts.js";

/** The hidden inputs the page posts back. */
export const FORM_TOKEN_FIELD = "sb_form";
export const LANGUAGE_FIELD = "sb_lang";

/** An answer of the settings route: an HTML page, or a refusal. */
export type SettingsAnswer =
  | { kind: "page"; html: string; headers: Record<string, string> }
  | { kind: "refused"; status: 400 | 401 | 403 | 404; code: string; message: string };

const refused = (status: 400 | 401 | 403 | 404, code: string, message: string): SettingsAnswer => ({
  kind: "refused",
  status,
  code,
  message,
});

/** Answers one POST to the settings route (the portal's placement, or our page's save). */
export async function handleSettings(host: HostContext, body: string, query: URLSearchParams): Promise<SettingsAnswer> {
  const form = new URLSearchParams(body);
  if (form.has(FORM_TOKEN_FIELD)) return save(host, form);
  if (form.has("PLACEMENT")) return open(host, form, query);
  return refused(400, "bad_request", "Expected the SETTING_CONNECTOR placement or the settings page's form");
}

async function open(host: HostContext, form: URLSearchParams, query: URLSearchParams): Promise<SettingsAnswer> {
  if (form.get("PLACEMENT") !== "SETTING_CONNECTOR")
    return refused(400, "bad_request", "This handler serves the SETTING_CONNECTOR placement only");
  const memberId = form.get("member_id") ?? "";
  if (!memberId || !(await host.portals.applicationTokenMatches(memberId, form.get("APPLICATION_TOKEN") ?? undefined)))
    return refused(401, "unauthorized", "The application token does not belong to an installed portal");
  const options = placementOptions(form.get("PLACEMENT_OPTIONS"));
  if (!options) return refused(400, "bad_request", "PLACEMENT_OPTIONS is not the JSON object with CONNECTOR and LINE");
  if (options.connector !== host.connector)
    return refused(400, "bad_request", `This handler serves the connector ${host.connector}`);
  const language = languageOf(query.get("LANG"));
  const reauthorised = await reauthoriseFromPlacement(host, memberId, form);
  const tenant = await openLine(host, memberId, options.line);
  return page(host, tenant, memberId, options.line, language, {
    ...(reauthorised ? { notice: { ok: true, text: T.reauthorised } } : {}),
  });
}

async function save(host: HostContext, form: URLSearchParams): Promise<SettingsAnswer> {
  const subject = readFormToken(host.ports.secrets, form.get(FORM_TOKEN_FIELD) ?? undefined, host.now());
  if (subject === "expired")
    return refused(403, "form_expired", "This settings page has expired: close the slider and open it again");
  if (!subject) return refused(403, "forbidden", "The settings form token is missing or not valid");
  const tenant = await host.ports.tenants.byId(subject.tenantId);
  if (!tenant || tenant.key !== lineKey(subject.memberId, subject.line))
    return refused(404, "not_found", "This Open Line is not connected to the gateway");
  const portal = await host.portals.info(subject.memberId);
  if (!portal?.installed) return refused(404, "not_found", "The portal is not installed");
  const language = languageOf(form.get(LANGUAGE_FIELD));
  const gatewayForm = host.ports.gateway.settings;
  const input = parseSettingsForm(gatewayForm, form);
  try {
    await host.ports.settings.save(tenant, input as SettingsData, language);
  } catch (error) {
    if (!(error instanceof SettingsValidationError)) throw error;
    return page(host, tenant, subject.memberId, subject.line, language, {
      errors: translatedErrors(error, language),
      submitted: input,
      notice: { ok: false, text: T.refused },
    });
  }
  const connectError = await connectLine(host, tenant, subject.memberId, subject.line);
  return page(host, (await host.ports.tenants.byId(tenant.id)) ?? tenant, subject.memberId, subject.line, language, {
    notice: connectError ? { ok: false, text: withDetail(T.connectFailed, connectError) } : { ok: true, text: T.saved },
  });
}

/** Switches the connector on for the line; returns why Bitrix24 refused, or undefined when it is on. */
async function connectLine(
  host: HostContext,
  tenant: LineTenant,
  memberId: string,
  line: number,
): Promise<string | undefined> {
  const { client } = host.rest;
  try {
    await client.call(memberId, "imconnector.activate", { CONNECTOR: host.connector, LINE: line, ACTIVE: 1 });
    await host.lines.update(tenant.id, { active: true });
    const url = host.ports.publicUrl("");
    await client.call(memberId, "imconnector.connector.data.set", {
      CONNECTOR: host.connector,
      LINE: line,
      DATA: {
        ID: `${host.connector}_${line}`,
        URL: url,
        URL_IM: url,
        NAME: translate(host.ports.gateway.info.name, "en_US").slice(0, 100),
      },
    });
    await host.lines.update(tenant.id, { connected: true, registered: true, lastError: null });
    return undefined;
  } catch (error) {
    const message = (error as Error).message.slice(0, 300);
    await host.lines.update(tenant.id, { lastError: message });
    host.ports.logger.warn(
      { event: "bitrix24.line_connect_failed", tenant: tenant.id, err: error },
      "Bitrix24 did not connect the Open Line",
    );
    return message;
  }
}

/**
 * The placement carries the opening user's tokens. When the portal's own were refused
 * (`invalid_grant`), an administrator opening the page re-authorises it with them.
 */
async function reauthoriseFromPlacement(host: HostContext, memberId: string, form: URLSearchParams): Promise<boolean> {
  const info = await host.portals.info(memberId);
  const accessToken = form.get("AUTH_ID");
  const refreshToken = form.get("REFRESH_ID");
  if (!info?.needsReauthorisation || !accessToken || !refreshToken) return false;
  const expiresIn = Number(form.get("AUTH_EXPIRES") ?? "3600");
  await host.portals.saveRotated(memberId, {
    accessToken: accessToken.slice(0, 500),
    refreshToken: refreshToken.slice(0, 500),
    expiresAt: host.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
  });
  await host.portals.recordError(memberId, null);
  host.rest.tokens.forget(memberId);
  host.ports.logger.info(
    { event: "bitrix24.reauthorised", memberId },
    "Bitrix24 portal re-authorised from its settings page",
  );
  return true;
}

async function page(
  host: HostContext,
  tenant: LineTenant,
  memberId: string,
  line: number,
  language: Language,
  extra: Pick<Parameters<typeof renderSettingsPage>[0], "errors" | "submitted" | "notice">,
): Promise<SettingsAnswer> {
  const portal = await host.portals.info(memberId);
  const state = await host.lines.byTenant(tenant.id);
  const token = issueFormToken(host.ports.secrets, { tenantId: tenant.id, memberId, line }, host.now());
  const html = renderSettingsPage({
    form: host.ports.gateway.settings,
    data: await host.ports.settings.masked(tenant),
    language,
    action: host.ports.publicUrl(ROUTE_PATHS.settings),
    hidden: { [FORM_TOKEN_FIELD]: token, [LANGUAGE_FIELD]: language },
    status: statusRows(state, portal),
    previews: await previewsOf(host, tenant, language),
    ...extra,
  });
  const frameAncestors = portal ? [portal.origin] : [];
  return { kind: "page", html, headers: settingsPageHeaders({ frameAncestors }) };
}

/**
 * The markdown of each `markdownPreview` field, rendered by the gateway's previewer for this line (as
 * SalesRender's preview route does; the page is behind the portal's application token and the form
 * token, so `settingsAccess` previews are shown), with the line's stored passwords taken out. A failing
 * previewer leaves its field empty.
 */
async function previewsOf(
  host: HostContext,
  tenant: LineTenant,
  language: Language,
): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [groupName, group] of Object.entries(host.ports.gateway.settings.groups)) {
    for (const [fieldName, field] of Object.entries(group.fields)) {
      if (field.type !== "markdownPreview" || !field.previewer) continue;
      const entry = ownEntry(host.ports.ui.previews, field.previewer);
      if (!entry) continue;
      const render = typeof entry === "function" ? entry : entry.render;
      try {
        // Core's runtime hands the host its full tenants; the port names only what the host reads.
        const markdown = await render(tenant as Tenant, {
          tenantId: tenant.id,
          settings: tenant.settings,
          language,
          dep: [],
          context: [],
        });
        // The page only has masked settings: the stored passwords are taken out here.
        if (typeof markdown === "string") {
          const form = host.ports.gateway.settings;
          (out[groupName] ??= {})[fieldName] = withoutPasswords(markdown, form, tenant.settings, host.ports.logger);
        }
      } catch (error) {
        host.ports.logger.warn(
          { event: "settings.preview_failed", tenant: tenant.id, previewer: field.previewer, err: error },
          "A settings preview failed",
        );
      }
    }
  }
  return out;
}

/** The connection state of the line, as the page shows it. */
export function statusRows(state: LineState | undefined, portal: PortalInfo | undefined): SettingsStatusRow[] {
  const flag = (label: SettingsStatusRow["label"], on: boolean): SettingsStatusRow => ({
    label,
    value: on ? T.yes : T.no,
    ok: on,
  });
  const reauth = portal?.needsReauthorisation === true;
  const lastError = state?.lastError ?? portal?.lastError;
  return [
    flag(T.active, state?.active === true),
    flag(T.connected, state?.connected === true),
    flag(T.registered, state?.registered === true),
    { label: T.authorisation, value: reauth ? T.needsReauthorisation : T.authorised, ok: !reauth },
    { label: T.lastError, value: lastError ?? T.none, ...(lastError ? { ok: false } : {}) },
  ];
}

function translatedErrors(error: SettingsValidationError, language: Language): SettingsFieldErrors {
  return Object.fromEntries(
    Object.entries(error.errors).map(([group, fields]) => [
      group,
      Object.fromEntries(
        Object.entries(fields).map(([field, messages]) => [field, messages.map((m) => translate(m, language))]),
      ),
    ]),
  );
}

/** CONNECTOR and LINE from the placement's JSON options. */
function placementOptions(raw: string | null): { connector: string; line: number } | undefined {
  if (!raw || raw.length > 10_000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const connector = Object.hasOwn(record, "CONNECTOR") ? record.CONNECTOR : undefined;
  const lineValue = Object.hasOwn(record, "LINE") ? record.LINE : undefined;
  const line = typeof lineValue === "string" && /^\d{1,9}$/.test(lineValue) ? Number(lineValue) : lineValue;
  if (typeof connector !== "string" || typeof line !== "number" || !Number.isSafeInteger(line) || line < 0)
    return undefined;
  return { connector: connector.toLowerCase(), line };
}
