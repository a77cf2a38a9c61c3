/**
 * @module crm-simulator/test/tiny-plugin — a minimal chat plugin written straight from the protocol, to test the simulator against.
 */
import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify, SignJWT } from "jose";
import type { PluginRef } from "../types.js";

/** What the plugin stored from a verified registration token. */
export interface StoredRegistration {
  hpt: string;
  clusterUri: string;
  claims: Record<string, unknown>;
}

/** Options for a plugin → CRM call, to forge bad ones. */
export interface OutboundOptions {
  secret?: string;
  aud?: string;
  iss?: string;
  cid?: unknown;
  pathCompanyId?: string;
  exp?: number;
  body?: unknown;
}

/** A running tiny plugin. */
export interface TinyPlugin {
  url: string;
  registrations: Map<string, StoredRegistration>;
  /** Keys fetched from the CRM, with the md5 of each PEM. */
  fetchedKeys: Array<{ pkey: string; md5: string }>;
  /** Verified special/send bodies and X-PLUGIN-TOKEN claims. */
  verified: Array<Record<string, unknown>>;
  /** When true, PUT /registration answers 403 without storing anything. */
  refuseRegistrations: boolean;
  call(endpoint: "incoming" | "status", ref: PluginRef, body: unknown, options?: OutboundOptions): Promise<Response>;
  stop(): Promise<void>;
}

const refKey = (ref: PluginRef) => `${ref.companyId}/${ref.pluginAlias}/${ref.pluginId}`;

/** Starts the plugin on a free loopback port. */
export async function startTinyPlugin(): Promise<TinyPlugin> {
  const app = new Hono();
  const plugin = {
    url: "",
    registrations: new Map<string, StoredRegistration>(),
    fetchedKeys: [] as Array<{ pkey: string; md5: string }>,
    verified: [] as Array<Record<string, unknown>>,
    refuseRegistrations: false,
  };

  async function verifyCrmToken(token: string): Promise<Record<string, unknown>> {
    const header = decodeProtectedHeader(token);
    const iss = String(decodeJwt(token).iss);
    const pem = await (await fetch(new URL(`/pkey/${String(header.pkey)}`, new URL(iss).origin))).text();
    plugin.fetchedKeys.push({ pkey: String(header.pkey), md5: createHash("md5").update(pem).digest("hex") });
    const key = await importSPKI(pem, "RS512");
    const { payload } = await jwtVerify(token, key, { algorithms: ["RS512"], audience: plugin.url });
    return payload as Record<string, unknown>;
  }

  app.put("/registration", async (c) => {
    if (plugin.refuseRegistrations) return c.json({ code: 403, message: "refused" }, 403);
    const { registration } = await c.req.json<{ registration: string }>();
    const claims = await verifyCrmToken(registration).catch(() => undefined);
    if (!claims) return c.json({ code: 403, message: "bad token" }, 403);
    const p = claims.plugin as { alias: string; id: string };
    const ref = { companyId: String(claims.cid), pluginAlias: p.alias, pluginId: p.id };
    plugin.registrations.set(refKey(ref), { hpt: String(claims.HPT), clusterUri: String(claims.iss), claims });
    return c.json({ registered: true });
  });

  app.get("/protected/data/settings", async (c) => {
    const claims = await verifyCrmToken(c.req.header("x-plugin-token") ?? "").catch(() => undefined);
    if (!claims) return c.json({ code: 403, message: "bad token" }, 403);
    plugin.verified.push(claims);
    return c.json([]);
  });

  app.post("/special/send", async (c) => {
    const { request } = await c.req.json<{ request: string }>();
    const claims = await verifyCrmToken(request).catch(() => undefined);
    if (!claims) return c.json({ code: 403, message: "bad token" }, 403);
    plugin.verified.push(claims);
    return c.body(null, 202);
  });

  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  plugin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  async function call(endpoint: "incoming" | "status", ref: PluginRef, body: unknown, o: OutboundOptions = {}) {
    const reg = plugin.registrations.get(refKey(ref));
    if (!reg) throw new Error(`tiny plugin: ${refKey(ref)} is not registered`);
    const token = await new SignJWT({
      cid: "cid" in o ? o.cid : ref.companyId,
      plugin: { alias: ref.pluginAlias, id: ref.pluginId },
      body: o.body ?? body,
    })
      .setProtectedHeader({ typ: "JWT", alg: "HS512" })
      .setIssuer(o.iss ?? plugin.url)
      .setAudience(o.aud ?? reg.clusterUri)
      .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(new TextEncoder().encode(o.secret ?? reg.hpt));
    const base = reg.clusterUri.replace(/\/+$/, "");
    const url = `${base}/companies/${o.pathCompanyId ?? ref.companyId}/CRM/plugin/chat/${endpoint}`;
    return fetch(url, {
      method: endpoint === "incoming" ? "PUT" : "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        request: token,
        __task: { createdAt: {}, attempt: { number: 0, limit: 5, interval: 5 } },
      }),
    });
  }

  return Object.assign(plugin, {
    call,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
