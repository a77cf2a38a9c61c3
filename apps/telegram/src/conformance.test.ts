import { startGateway } from "@switchboard/core";
import { conformanceEnv, runConformanceSuite } from "@switchboard/testkit/conformance";
import { startFakeTelegram, UpdateBuilder, type FakeTelegram } from "@switchboard/testkit/telegram";
import { createTelegramGateway } from "./gateway.js";

const TOKENS = ["510001:AAconformance-first-token", "520002:BBconformance-second-token"] as const;
const updates = new UpdateBuilder();
let fake: FakeTelegram | undefined;

function fakeApi(): FakeTelegram {
  if (!fake) throw new Error("the fake Bot API is not running");
  return fake;
}

runConformanceSuite({
  name: "telegram",
  async start(crm) {
    fake = await startFakeTelegram();
    for (const token of TOKENS) fake.addBot(token);
    const gw = await startGateway(createTelegramGateway({ apiRoot: fake.url }), { env: conformanceEnv(crm), port: 0 });
    return {
      gatewayUrl: gw.url,
      async stop() {
        await gw.stop({ timeoutMs: 1000 });
        await fake?.close();
      },
    };
  },
  validSettings: (tenant) => ({ main: { botToken: TOKENS[tenant], allowGroups: false } }),
  contact: "tg://user?id=4242",
  sentTexts: (tenant) =>
    fakeApi()
      .messages.filter((m) => m.token === TOKENS[tenant])
      .map((m) => m.text ?? ""),
  failNextSend(kind) {
    const error =
      kind === "permanent"
        ? { error_code: 403, description: "Forbidden: bot was blocked by the user" }
        : { error_code: 502, description: "Bad Gateway" };
    fakeApi().failNext("sendMessage", error, { token: TOKENS[0] });
  },
  async deliverIncoming(tenant, text) {
    const res = await fakeApi().deliverUpdate(TOKENS[tenant], updates.text({ id: 4242 }, text));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  },
});
