import { bitrix24 } from "@switchboard/host-bitrix24";
import { salesrender } from "@switchboard/host-salesrender";
import { startGateway } from "@switchboard/core";
import { conformanceEnv, runConformanceSuite } from "@switchboard/testkit/conformance";
import { startFakeTelegram, UpdateBuilder, type FakeTelegram } from "@switchboard/testkit/telegram";
import { telegram } from "./gateway.js";
import { UPDATE_BODY_LIMIT } from "./webhook/update-webhook.js";

const TOKENS = ["510001:AAconformance-first-token", "520002:BBconformance-second-token"] as const;
/** Every suite message comes from this one customer. */
const CUSTOMER = { id: 4242 };
const updates = new UpdateBuilder();
let fake: FakeTelegram | undefined;
let files = 0;

function fakeApi(): FakeTelegram {
  if (!fake) throw new Error("the fake Bot API is not running");
  return fake;
}

runConformanceSuite({
  name: "telegram",
  async start(crm) {
    fake = await startFakeTelegram();
    for (const token of TOKENS) fake.addBot(token);
    const gw = await startGateway(telegram, {
      hosts: [salesrender, bitrix24],
      env: conformanceEnv(crm),
      gatewayEnv: { apiRoot: fake.url },
      port: 0,
    });
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
  sentFiles: (tenant) =>
    fakeApi()
      .messages.filter((m) => m.token === TOKENS[tenant] && m.file?.bytes)
      .map((m) => ({ name: m.file!.fileName, data: m.file!.bytes! })),
  failNextSend(kind) {
    const error =
      kind === "permanent"
        ? { error_code: 403, description: "Forbidden: bot was blocked by the user" }
        : { error_code: 502, description: "Bad Gateway" };
    fakeApi().failNext("sendMessage", error, { token: TOKENS[0] });
  },
  // The fake's private chats carry the first name "Ann".
  customerName: "Ann",
  async deliverIncoming(tenant, text) {
    const res = await fakeApi().deliverUpdate(TOKENS[tenant], updates.text(CUSTOMER, text));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  },
  webhook: {
    authentication: "signature",
    maxBytes: UPDATE_BODY_LIMIT,
    message(tenant, text, credentials = "valid") {
      // One update, posted again as it is: Telegram redelivers the same update_id.
      const update = updates.text(CUSTOMER, text);
      const other = TOKENS[tenant === 0 ? 1 : 0];
      const secretToken = {
        valid: undefined,
        wrong: "not-the-secret-token",
        missing: null,
        "other-tenant": fakeApi().webhook(other)?.secretToken,
      }[credentials];
      return () => fakeApi().deliverUpdate(TOKENS[tenant], update, { secretToken });
    },
  },
  async deliverAttachment(tenant, text, file) {
    const fileId = `conformance-file-${++files}`;
    fakeApi().putFile(TOKENS[tenant], fileId, file.data, `documents/${file.name}`);
    const document = {
      file_id: fileId,
      file_unique_id: `unique-${files}`,
      file_name: file.name,
      mime_type: file.contentType,
      file_size: file.data.byteLength,
    };
    const res = await fakeApi().deliverUpdate(TOKENS[tenant], updates.message(CUSTOMER, { caption: text, document }));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  },
  // No webhook.status: the Bot API tells bots nothing about delivery, and the capabilities say `sent`/`error` only.
});
