/**
 * @module fake-telegram — a fake Telegram Bot API for gateway tests (`@switchboard/testkit/telegram`).
 * @example
 * const fake = await startFakeTelegram();
 * fake.addBot("123:abc");
 * // start the gateway with TELEGRAM_API_ROOT = fake.url, save settings, then:
 * await fake.deliverUpdate("123:abc", new UpdateBuilder().text({ id: 77 }, "hi"));
 */
export {
  startFakeTelegram,
  type FakeTelegram,
  type FakeTelegramOptions,
  type DeliverOptions,
} from "./fake-telegram.js";
export {
  parseTelegramHtml,
  parseMessageText,
  telegramLinkUrl,
  visibleLength,
  type ParsedLink,
  type ParsedText,
} from "./html.js";
export { UpdateBuilder, type UpdateChat } from "./updates.js";
export type { UploadedFile } from "./params.js";
export type {
  FailOptions,
  FakeApiError,
  FakeBotInfo,
  FakeCall,
  FakeSentFile,
  FakeSentMessage,
  FakeStoredFile,
  FakeWebhook,
} from "./types.js";
