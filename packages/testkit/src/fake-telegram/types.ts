/**
 * @module fake-telegram/types — what the fake Bot API records and what tests script with.
 */
import type { ParsedLink } from "./html.js";
import type { UploadedFile } from "./params.js";

/** `getMe` result of a fake bot. */
export interface FakeBotInfo {
  id: number;
  is_bot: true;
  first_name: string;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
}

/** The webhook a bot set with `setWebhook`, and its delivery health like `getWebhookInfo` shows. */
export interface FakeWebhook {
  url: string;
  secretToken: string | undefined;
  allowedUpdates: string[] | undefined;
  maxConnections: number;
  dropPendingUpdates: boolean;
  pendingUpdateCount: number;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;
}

/** A Bot API error, exactly as the API answers it. */
export interface FakeApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Which calls a scripted failure applies to. */
export interface FailOptions {
  /** Only calls with this bot token. */
  token?: string;
  /** Only calls to this chat id (compared as a string). */
  chatId?: string | number;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** How many matching calls succeed first (default 0): `after: 2` fails the third part of a split message. */
  after?: number;
}

/** One recorded API call (the token is kept: it's a fake). */
export interface FakeCall {
  token: string;
  method: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  /** `Date.now()` when the call arrived. */
  at: number;
  /** The answer given: `ok` with `result`, or the error. */
  ok: boolean;
  result?: unknown;
  error?: FakeApiError;
}

/** A file inside a sent message. */
export interface FakeSentFile {
  /** `photo`, `document`, `voice`, `audio`, `video`, `animation`. */
  kind: string;
  fileId: string;
  fileName: string | undefined;
  /** The uploaded bytes; undefined when sent by file_id or URL. */
  bytes: Buffer | undefined;
  /** Set when the file was given as a URL or an existing file_id instead of an upload. */
  reference: string | undefined;
}

/** A message the fake accepted from a bot. */
export interface FakeSentMessage {
  token: string;
  method: string;
  chatId: string;
  messageId: number;
  /** `text` or `caption` exactly as sent (HTML included). */
  raw: string | undefined;
  /** The visible text after parsing (what the user sees). */
  text: string | undefined;
  /** The links in it, with the URL Telegram made of each href. */
  links: ParsedLink[];
  parseMode: string | undefined;
  file: FakeSentFile | undefined;
  mediaGroupId: string | undefined;
  /** How many times the bot edited it (`editMessageText` / `editMessageCaption`). */
  edits?: number;
  /** Set once the bot deleted it (`deleteMessage`). */
  deleted?: boolean;
}

/** A file the fake can serve through `getFile` and `/file/bot<token>/<path>`. */
export interface FakeStoredFile {
  fileId: string;
  filePath: string;
  bytes: Buffer;
}
