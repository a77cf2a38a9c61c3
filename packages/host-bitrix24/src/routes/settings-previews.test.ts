import { defineSettingsForm } from "@switchboard/core";
import { afterEach, expect, it } from "vitest";
import { echoGateway, startHostHarness, type HostHarness } from "../test/host-harness.js";

let harness: HostHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The echo gateway with a preview of where its webhook is, as email shows its inbound URL. */
const gateway = {
  ...echoGateway,
  settings: defineSettingsForm({
    title: "Echo",
    groups: {
      main: {
        title: "Account",
        fields: { apiKey: { type: "password", title: "API key", required: true } },
      },
      receiving: {
        title: "Receiving",
        fields: { where: { type: "markdownPreview", title: "Webhook", previewer: "where" } },
      },
    },
  }),
};

function hiddenToken(html: string): string {
  return /name="sb_form" value="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
}

it("the settings page shows each markdown preview as the gateway's previewer renders it for the line, never a password", async () => {
  const rendered: unknown[] = [];
  harness = await startHostHarness({
    gateway,
    previews: {
      where: {
        settingsAccess: true,
        render: (tenant, input) => {
          rendered.push({ tenantId: input.tenantId, language: input.language });
          const key = (input.settings.main?.apiKey as string | undefined) ?? "none";
          return `POST to **https://hooks.example/${tenant?.id}** (key ${key})`;
        },
      },
    },
  });
  const h = harness;
  expect((await h.fake.portal.install({ install: `${h.self}bitrix24/install` })).event.status).toBe(200);
  const page = await h.fake.portal.openSettings(1, undefined, { lang: "en" });
  const saved = await h.fake.portal.openSettings(
    1,
    { sb_form: hiddenToken(page.html), sb_lang: "en_US", "settings[main][apiKey]": "secret-key-1" },
    { lang: "en" },
  );
  expect(saved.status).toBe(200);
  const tenant = [...h.tenants.values()][0]!;
  expect(saved.html).toContain(`https://hooks.example/${tenant.id}</a></strong> (key`);
  expect(saved.html).not.toContain("Not available yet");
  expect(saved.html).not.toContain("secret-key-1");
  expect(rendered).toContainEqual({ tenantId: tenant.id, language: "en_US" });
});
