/**
 * @module fake-telegram/bot-methods — getMe, the webhook methods and getFile.
 */
import { badRequest, ok, type MethodHandler } from "./method.js";

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_DOWNLOAD = 20 * 1024 * 1024;

const getMe: MethodHandler = ({ bot }) => ok(bot.info);

const setWebhook: MethodHandler = ({ bot, params }) => {
  const url = typeof params.url === "string" ? params.url : "";
  if (url === "") {
    bot.webhook = undefined;
    return ok(true);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return badRequest("invalid webhook URL specified");
  }
  // The real API wants HTTPS on 443/80/88/8443; the fake also takes loopback HTTP for tests.
  const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost";
  if (parsed.protocol !== "https:" && !(loopback && parsed.protocol === "http:")) {
    return badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  }
  const secret = params.secret_token;
  if (secret !== undefined && (typeof secret !== "string" || !SECRET_TOKEN.test(secret))) {
    return badRequest("secret token contains unallowed characters");
  }
  const allowed = params.allowed_updates;
  if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((u) => typeof u === "string"))) {
    return badRequest("can't parse allowed updates");
  }
  const previous = bot.webhook;
  bot.webhook = {
    url,
    secretToken: secret,
    allowedUpdates: allowed as string[] | undefined,
    maxConnections: Number(params.max_connections ?? 40),
    dropPendingUpdates: params.drop_pending_updates === true || params.drop_pending_updates === "true",
    pendingUpdateCount: previous?.url === url ? previous.pendingUpdateCount : 0,
    lastErrorDate: undefined,
    lastErrorMessage: undefined,
  };
  return ok(true);
};

const deleteWebhook: MethodHandler = ({ bot }) => {
  bot.webhook = undefined;
  return ok(true);
};

const getWebhookInfo: MethodHandler = ({ bot }) => {
  const hook = bot.webhook;
  if (!hook) return ok({ url: "", has_custom_certificate: false, pending_update_count: 0 });
  return ok({
    url: hook.url,
    has_custom_certificate: false,
    pending_update_count: hook.pendingUpdateCount,
    max_connections: hook.maxConnections,
    ...(hook.allowedUpdates ? { allowed_updates: hook.allowedUpdates } : {}),
    ...(hook.lastErrorDate !== undefined
      ? { last_error_date: hook.lastErrorDate, last_error_message: hook.lastErrorMessage }
      : {}),
  });
};

const getFile: MethodHandler = ({ bot, params }) => {
  const fileId = typeof params.file_id === "string" ? params.file_id : "";
  const file = bot.files.get(fileId);
  if (!file) return badRequest("invalid file_id");
  if (file.bytes.length > MAX_DOWNLOAD) return badRequest("file is too big");
  return ok({
    file_id: file.fileId,
    file_unique_id: `u-${file.fileId}`,
    file_size: file.bytes.length,
    file_path: file.filePath,
  });
};

/** Methods about the bot itself and its files. */
export const botMethods: Record<string, MethodHandler> = {
  getMe,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  getFile,
};
