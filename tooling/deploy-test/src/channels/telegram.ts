/**
 * @module channels/telegram — the Telegram bundle against the fake Bot API.
 */
import { waitFor } from "@switchboard/testkit";
import { startFakeTelegram, UpdateBuilder } from "@switchboard/testkit/telegram";
import { sendAccepted, waitForIncoming, type ChannelRig } from "./channel-rig.js";

const TOKEN = "424242:AAdeploy-test-bot-token-0123456789";
const CUSTOMER = 4242;

/** Starts the fake Bot API with the tenant's bot. */
export async function startTelegramRig(): Promise<ChannelRig> {
  const fake = await startFakeTelegram();
  fake.addBot(TOKEN, { username: "deploy_test_bot" });
  const updates = new UpdateBuilder();
  return {
    env: { TELEGRAM_API_ROOT: fake.url },
    settings: { main: { botToken: TOKEN, allowGroups: false } },
    async sendToCustomer(gateway, crmMessageId, text) {
      await sendAccepted(gateway, { contact: `tg://user?id=${CUSTOMER}`, crmMessageId, text });
      await waitFor(() => fake.messages.some((m) => m.chatId === String(CUSTOMER) && m.text === text), 20_000);
    },
    async receiveFromCustomer(gateway, text) {
      const res = await fake.deliverUpdate(TOKEN, updates.text({ id: CUSTOMER }, text));
      if (!res.ok) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`);
      await waitForIncoming(gateway, text);
    },
    close: () => fake.close(),
  };
}
