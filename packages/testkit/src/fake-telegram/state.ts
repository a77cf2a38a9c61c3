/**
 * @module fake-telegram/state — bots, files, sent messages, recorded calls and scripted failures.
 */
import type {
  FailOptions,
  FakeApiError,
  FakeBotInfo,
  FakeCall,
  FakeSentMessage,
  FakeStoredFile,
  FakeWebhook,
} from "./types.js";

/** A bot the fake knows, with its webhook and message counters. */
export interface FakeBotState {
  token: string;
  info: FakeBotInfo;
  webhook: FakeWebhook | undefined;
  files: Map<string, FakeStoredFile>;
}

interface ScriptedFailure {
  method: string;
  error: FakeApiError;
  options: FailOptions;
  remaining: number;
  /** Matching calls still to let through before failing. */
  skip: number;
}

/** Everything the fake server remembers; shared by the HTTP handlers and the test-facing API. */
export class FakeTelegramState {
  readonly bots = new Map<string, FakeBotState>();
  readonly calls: FakeCall[] = [];
  readonly messages: FakeSentMessage[] = [];
  private readonly failures: ScriptedFailure[] = [];
  private readonly messageIds = new Map<string, number>();
  private fileCounter = 0;
  private groupCounter = 0;

  /** Registers a bot; the id is the token's numeric prefix, like real tokens. */
  addBot(token: string, info: Partial<FakeBotInfo> = {}): FakeBotInfo {
    const id = Number(/^(\d+):/.exec(token)?.[1] ?? 1000 + this.bots.size);
    const full: FakeBotInfo = {
      id,
      is_bot: true,
      first_name: `Bot ${id}`,
      username: `fake_${id}_bot`,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      ...info,
    };
    this.bots.set(token, { token, info: full, webhook: undefined, files: new Map() });
    return full;
  }

  /** The next scripted failure for this call, consumed; undefined when the call should succeed. */
  takeFailure(method: string, token: string, chatId: unknown): FakeApiError | undefined {
    const index = this.failures.findIndex(
      (f) =>
        f.method === method &&
        (f.options.token === undefined || f.options.token === token) &&
        (f.options.chatId === undefined || String(f.options.chatId) === String(chatId)),
    );
    const failure = this.failures[index];
    if (!failure) return undefined;
    if (failure.skip > 0) {
      failure.skip -= 1;
      return undefined;
    }
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    return failure.error;
  }

  /** Scripts the next matching call(s) of `method` to fail with `error`. */
  failNext(method: string, error: FakeApiError, options: FailOptions = {}): void {
    this.failures.push({ method, error, options, remaining: options.times ?? 1, skip: options.after ?? 0 });
  }

  /** Next message id in a chat (ids are per chat, like Telegram's). */
  nextMessageId(token: string, chatId: string): number {
    const key = `${token}\u0000${chatId}`;
    const id = (this.messageIds.get(key) ?? 0) + 1;
    this.messageIds.set(key, id);
    return id;
  }

  /** Stores bytes as a file of the bot, downloadable through getFile. */
  storeFile(bot: FakeBotState, bytes: Buffer, fileId?: string, filePath?: string): FakeStoredFile {
    this.fileCounter += 1;
    const id = fileId ?? `fake-file-${this.fileCounter}`;
    const file = { fileId: id, filePath: filePath ?? `files/file_${this.fileCounter}`, bytes };
    bot.files.set(id, file);
    return file;
  }

  /** A fresh media group id. */
  nextMediaGroupId(): string {
    this.groupCounter += 1;
    return `fake-group-${this.groupCounter}`;
  }
}
