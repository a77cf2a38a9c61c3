import { createServer, type Server } from "node:net";
import { freePort } from "@switchboard/testkit";
import { startSmtpSink } from "@switchboard/testkit/smtp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, INBOUND, startTestbed, TENANTS, unique, type Testbed } from "../test/testbed.js";

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
    expect(Object.keys(form.groups.smtp!.fields)).toEqual([
      "host",
      "port",
      "secure",
      "allowPlaintext",
      "user",
      "password",
    ]);
    expect(form.groups.smtp!.fields.port).toMatchObject({ definition: "integer", default: 587 });
    expect(form.groups.smtp!.fields.secure).toMatchObject({ definition: "boolean", default: false });
    expect(form.groups.smtp!.fields.allowPlaintext).toMatchObject({ definition: "boolean", default: false });
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
    expect(JSON.parse(body)).toMatchObject({
      smtp: { password: [expect.stringMatching(/refused the user name or password \(SMTP 535\)/)] },
    });
    expect(body).not.toContain("wrong-password");
    expect(await get(0)).toEqual(before);
  });

  it("says why in the CRM user's language, with the one `SMTP:` prefix for what the server did", async () => {
    const good = bed.settings(0);
    const wrong = { ...good, smtp: { ...good.smtp, password: "wrong-password" } };
    const russian = await bed.crm.putSettings(bed.gateway.url, TENANTS[0], wrong, "ru-RU");
    expect(russian.status).toBe(400);
    expect(await russian.json()).toEqual({
      smtp: { password: ["SMTP: SMTP-сервер не принял имя пользователя или пароль (SMTP 535)"] },
    });
    expect(await (await put(0, wrong)).json()).toEqual({
      smtp: { password: ["SMTP: The SMTP server refused the user name or password (SMTP 535)"] },
    });
    const b = bed.settings(1);
    const taken = await bed.crm.putSettings(
      bed.gateway.url,
      TENANTS[1],
      { ...b, mail: { ...b.mail, inboundAddress: INBOUND[0] } },
      "ru-RU",
    );
    expect(await taken.json()).toEqual({
      mail: { inboundAddress: [`${INBOUND[0]} уже получает почту для другого аккаунта`] },
    });
  });

  it("an unreachable SMTP server answers 400 on the host", async () => {
    const good = bed.settings(0);
    const res = await put(0, { ...good, smtp: { ...good.smtp, port: await freePort() } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ smtp: { host: [expect.stringMatching(/ECONNREFUSED|connect/i)] } });
  });

  it("a server without STARTTLS answers 400 on smtp.allowPlaintext; ticked, saving and sending work in clear text", async () => {
    const plain = await startSmtpSink({ auth: { user: "plain", password: "pass-plain" } });
    const b = bed.settings(1);
    const smtp = { ...b.smtp, host: plain.host, port: plain.port, user: "plain", password: "pass-plain" };
    try {
      const refused = await put(1, { ...b, smtp });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        smtp: {
          allowPlaintext: [
            expect.stringMatching(/does not offer encryption \(STARTTLS\).*Allow unencrypted connection/),
          ],
        },
      });
      const allowed = await put(1, { ...b, smtp: { ...smtp, allowPlaintext: true } });
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toMatchObject({ smtp: { allowPlaintext: true } });
      const id = unique("plain");
      await bed.send(1, {
        chat: { id: `chat-${id}`, contact: CUSTOMER, subject: "clear" },
        message: { id, content: { text: id, format: "text" }, attachments: [] },
      });
      const [mail] = await plain.waitForMessages(1);
      expect(mail!.envelope).toMatchObject({ secure: false, user: "plain" });
    } finally {
      expect((await put(1, b)).status).toBe(200);
      await plain.close();
    }
  });

  it("ticking allowPlaintext still uses STARTTLS when the server offers it", async () => {
    const b = bed.settings(1);
    expect((await put(1, { ...b, smtp: { ...b.smtp, allowPlaintext: true } })).status).toBe(200);
    try {
      const id = unique("opportunistic");
      bed.sinks[1].reset();
      await bed.send(1, {
        chat: { id: `chat-${id}`, contact: CUSTOMER, subject: "tls" },
        message: { id, content: { text: id, format: "text" }, attachments: [] },
      });
      const [mail] = await bed.sinks[1].waitForMessages(1);
      expect(mail!.envelope.secure).toBe(true);
    } finally {
      expect((await put(1, b)).status).toBe(200);
    }
  });

  it("something that is not an SMTP server answers 400 on the host without repeating what it said", async () => {
    const banner = "SSH-2.0-OpenSSH_9.6p1 internal-build-host-7\r\n";
    const ssh: Server = createServer((socket) => socket.end(banner));
    await new Promise<void>((resolve) => ssh.listen(0, "127.0.0.1", resolve));
    const port = (ssh.address() as { port: number }).port;
    try {
      const good = bed.settings(0);
      const res = await put(0, { ...good, smtp: { ...good.smtp, port } });
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({
        smtp: { host: [expect.stringMatching(/does not answer like an SMTP server|closed the connection/)] },
      });
      expect(body).not.toMatch(/SSH|OpenSSH|internal-build-host/);
    } finally {
      await new Promise((resolve) => ssh.close(resolve));
    }
  });

  it("address-like fields over 320 characters answer 400 without being parsed", async () => {
    const good = bed.settings(0);
    const huge = `${"N".repeat(90_000)} <shop@a.test>`;
    const started = performance.now();
    const res = await put(0, {
      ...good,
      smtp: { ...good.smtp, user: "u".repeat(321) },
      mail: { ...good.mail, from: huge, inboundAddress: `${"x".repeat(400)}@a.test` },
    });
    console.warn(`90 KB From refused in ${Math.round(performance.now() - started)} ms`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      smtp: { user: ["At most 320 characters"] },
      mail: { from: ["At most 320 characters"], inboundAddress: ["At most 320 characters"] },
    });
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

  it("the inbound preview speaks the CRM user's language", async () => {
    const res = await bed.crm.request(
      bed.gateway.url,
      TENANTS[0],
      "GET",
      "protected/preview/markdown/inbound",
      undefined,
      "ru-RU",
    );
    const { markdown } = (await res.json()) as { markdown: string };
    expect(markdown).toContain(`**Клиенты пишут на:** ${INBOUND[0]}`);
    expect(markdown).toContain("Направьте MX-запись домена на этот шлюз: `a.test. MX 10 127.0.0.1.`");
    expect(markdown).toContain("**Домен:** a.test подтверждён оператором этого шлюза.");
    expect(markdown).toMatch(new RegExp(`${bed.gateway.url}email/inbound/[\\w-]{20,}`));
    expect(markdown).not.toMatch(/Customers write to|Point the domain/);
  });
});
