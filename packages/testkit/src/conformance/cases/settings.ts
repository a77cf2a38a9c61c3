/**
 * @module conformance/cases/settings — settings form and data round trip (§5.4).
 */
import { expect, it } from "vitest";
import type { TenantIndex } from "../harness.js";
import { refOf, type SalesRenderContext } from "../suite-context.js";

type Form = { groups: Record<string, { fields: Record<string, { definition: string; previewer?: string }> }> };

/** What GET settings should answer for data saved as `data`: password fields become "is set" booleans. */
function masked(form: Form, data: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [group, fields] of Object.entries(data)) {
    out[group] = {};
    for (const [field, value] of Object.entries(fields)) {
      const isPassword = form.groups[group]?.fields[field]?.definition === "password";
      out[group][field] = isPassword ? value !== "" : value;
    }
  }
  return out;
}

async function formOf(ctx: SalesRenderContext): Promise<Form> {
  const res = await ctx.crm.getSettingsForm(ctx.gatewayUrl, refOf(0));
  expect(res.status).toBe(200);
  return (await res.json()) as Form;
}

/** Cases for the settings routes. */
export function settingsCases(ctx: SalesRenderContext): void {
  it("GET the settings form lists every group of the valid settings", async () => {
    const form = await formOf(ctx);
    expect(Object.keys(form.groups)).toEqual(expect.arrayContaining(Object.keys(ctx.harness.validSettings(0))));
    for (const [group, fields] of Object.entries(ctx.harness.validSettings(0))) {
      expect(Object.keys(form.groups[group]?.fields ?? {})).toEqual(expect.arrayContaining(Object.keys(fields)));
    }
  });

  it("PUT valid settings answers 200 and GET returns them with password fields as booleans", async () => {
    const form = await formOf(ctx);
    for (const tenant of [0, 1] as TenantIndex[]) {
      const data = ctx.harness.validSettings(tenant);
      const put = await ctx.crm.putSettings(ctx.gatewayUrl, refOf(tenant), data);
      expect(put.status, await put.clone().text()).toBe(200);
      expect(await put.json()).toMatchObject(masked(form, data));
      const get = await ctx.crm.getSettings(ctx.gatewayUrl, refOf(tenant));
      expect(get.status).toBe(200);
      expect(await get.json()).toMatchObject(masked(form, data));
    }
  });

  it("GET settings never returns a password in clear", async () => {
    const form = await formOf(ctx);
    const text = await (await ctx.crm.getSettings(ctx.gatewayUrl, refOf(0))).text();
    for (const [group, fields] of Object.entries(ctx.harness.validSettings(0))) {
      for (const [field, value] of Object.entries(fields)) {
        if (form.groups[group]?.fields[field]?.definition === "password" && typeof value === "string" && value !== "") {
          expect(text).not.toContain(value);
        }
      }
    }
  });

  it("every markdown preview of the form answers {markdown} and shows no password; inherited names are 404", async () => {
    const form = await formOf(ctx);
    const previewers = Object.values(form.groups).flatMap((g) =>
      Object.values(g.fields).flatMap((f) => (f.definition === "markdownPreview" && f.previewer ? [f.previewer] : [])),
    );
    const passwords = Object.entries(ctx.harness.validSettings(0)).flatMap(([group, fields]) =>
      Object.entries(fields).flatMap(([field, value]) =>
        form.groups[group]?.fields[field]?.definition === "password" && typeof value === "string" && value.length >= 4
          ? [value]
          : [],
      ),
    );
    for (const name of previewers) {
      const res = await ctx.crm.request(ctx.gatewayUrl, refOf(0), "GET", `protected/preview/markdown/${name}`);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(typeof (JSON.parse(text) as { markdown?: unknown }).markdown, text).toBe("string");
      for (const password of passwords) expect(text).not.toContain(password);
    }
    for (const name of ["constructor", "__proto__", "hasOwnProperty", "valueOf", "toString"]) {
      for (const path of [`protected/preview/markdown/${name}`, `protected/autocomplete/${name}?query=a`]) {
        const res = await ctx.crm.request(ctx.gatewayUrl, refOf(0), "GET", path);
        const text = await res.text();
        expect(res.status, `${path}: ${text}`).toBe(404);
        expect(JSON.parse(text)).toMatchObject({ code: 404, message: expect.any(String) });
        for (const password of passwords) expect(text).not.toContain(password);
      }
    }
  });

  it("each company reads only its own settings", async () => {
    const form = await formOf(ctx);
    const a = await (await ctx.crm.getSettings(ctx.gatewayUrl, refOf(0))).json();
    const b = await (await ctx.crm.getSettings(ctx.gatewayUrl, refOf(1))).json();
    expect(a).toMatchObject(masked(form, ctx.harness.validSettings(0)));
    expect(b).toMatchObject(masked(form, ctx.harness.validSettings(1)));
  });
}
