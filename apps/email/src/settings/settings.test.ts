import { freePort } from "@switchboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INBOUND, startTestbed, TENANTS, type Testbed } from "../test/testbed.js";

describe("settings", () => {
  let bed: Testbed;
  beforeAll(async () => {
    bed = await startTestbed();
  });
  afterAll(() => bed.stop());

  const put = (tenant: 0 | 1, data: unknown) => bed.crm.putSettings(bed.gateway.url, TENANTS[tenant], data);
  const get = async (tenant: 0 | 1) => (await bed.crm.getSettings(bed.gateway.url, TENANTS[tenant])).json();

  it("the form has the documented groups and fields", async () => {
    const form = (await (await bed.crm.getSettingsForm(bed.gateway.url, TENANTS[0])).json()) as {
      groups: Record<string, { fields: Record<string, { definition: string; default: unknown }> }>;
    };
    expect(Object.keys(form.groups.smtp!.fields)).toEqual(["host", "port", "secure", "user", "password"]);
    expect(form.groups.smtp!.fields.port).toMatchObject({ definition: "integer", default: 587 });
    expect(form.groups.smtp!.fields.secure).toMatchObject({ definition: "boolean", default: false });
    expect(form.groups.smtp!.fields.password!.definition).toBe("password");
    expect(Object.keys(form.groups.mail!.fields)).toEqual(["from", "inboundAddress", "defaultSubject"]);
  });

  it("saving verifies the SMTP account: a wrong password answers 400 on the field with the server's reason, and nothing is saved", async () => {
    const before = await get(0);
    const good = bed.settings(0);
    const res = await put(0, {
      ...good,
      smtp: { ...good.smtp, password: "wrong-password" },
      mail: { ...good.mail, defaultSubject: "changed" },
    });
    expect(res.status).toBe(400);
    const body = JSON.stringify(await res.json());
    expect(JSON.parse(body)).toMatchObject({ smtp: { password: [expect.stringContaining("535")] } });
    expect(body).not.toContain("wrong-password");
    expect(await get(0)).toEqual(before);
  });

  it("an unreachable SMTP server answers 400 on the host", async () => {
    const good = bed.settings(0);
    const res = await put(0, { ...good, smtp: { ...good.smtp, port: await freePort() } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ smtp: { host: [expect.stringMatching(/ECONNREFUSED|connect/i)] } });
  });

  it("a bad From address answers 400 on mail.from", async () => {
    const good = bed.settings(0);
    const res = await put(0, { ...good, mail: { ...good.mail, from: "not an address" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ mail: { from: [expect.any(String)] } });
  });

  it("two companies may not claim the same inbound address, in any letter case", async () => {
    const b = bed.settings(1);
    const explicit = await put(1, { ...b, mail: { ...b.mail, inboundAddress: INBOUND[0].toUpperCase() } });
    expect(explicit.status).toBe(400);
    expect(await explicit.json()).toMatchObject({ mail: { inboundAddress: [expect.stringContaining(INBOUND[0])] } });
    // The From address is the inbound address when none is given, so it is checked too.
    const viaFrom = await put(1, { ...b, mail: { ...b.mail, from: `B <${INBOUND[0]}>`, inboundAddress: "" } });
    expect(viaFrom.status).toBe(400);
    expect(await viaFrom.json()).toMatchObject({ mail: { from: [expect.any(String)] } });
  });

  it("re-saving a company's own settings keeps its inbound address and omitting the password keeps it", async () => {
    const a = bed.settings(0);
    const { password: _omitted, ...smtpWithoutPassword } = a.smtp as Record<string, unknown>;
    const res = await put(0, { ...a, smtp: smtpWithoutPassword });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ smtp: { password: true }, mail: { inboundAddress: INBOUND[0] } });
  });

  it("the inbound preview shows the inbound address, the MX setup and the tenant's webhook URL", async () => {
    const res = await bed.crm.request(bed.gateway.url, TENANTS[0], "GET", "protected/preview/markdown/inbound");
    expect(res.status).toBe(200);
    const { markdown } = (await res.json()) as { markdown: string };
    expect(markdown).toContain(INBOUND[0]);
    expect(markdown).toContain("MX 10 127.0.0.1.");
    expect(markdown).toMatch(new RegExp(`${bed.gateway.url}email/inbound/[\\w-]{20,}`));
    const { markdown: other } = (await (
      await bed.crm.request(bed.gateway.url, TENANTS[1], "GET", "protected/preview/markdown/inbound")
    ).json()) as { markdown: string };
    const token = (text: string) => /email\/inbound\/([\w-]+)/.exec(text)?.[1];
    expect(token(other)).toBeDefined();
    expect(token(other)).not.toBe(token(markdown));
  });
});
