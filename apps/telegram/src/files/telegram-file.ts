/**
 * @module files/telegram-file — serves a signed link by streaming the file from Telegram
 * (`getFile`, then the file download URL) when the CRM downloads it. Nothing is stored here.
 */
import {
  createGuardedFetch,
  declaredLength,
  ChannelNetworkError,
  ChannelRefusedError,
  InvalidInputError,
  type FileResolver,
} from "@switchboard/core";
import { GrammyError } from "grammy";
import type { Bots } from "../bot/bots.js";
import { redactToken } from "../bot/redact.js";
import type { TelegramSettings } from "../settings/form.js";
import { parseFileKey } from "./file-key.js";

// Bots download at most 20 MB, streamed on to the CRM as it reads: five minutes allow a slow CRM
// (about 70 KB/s) while a trickling peer still cannot hold the request open for ever.
const fetchFile = createGuardedFetch({ deadlineMs: 300_000, what: "Telegram file download" });

/** Builds the resolver for links of kind `telegram`. */
export function createFileResolver(bots: Bots): FileResolver<TelegramSettings> {
  return async (tenant, key) => {
    const ref = parseFileKey(key);
    const token = tenant.settings.main?.botToken;
    if (!ref) throw new InvalidInputError("Telegram: malformed file link");
    if (typeof token !== "string" || token === "")
      throw new InvalidInputError("Telegram: the tenant has no bot token any more");
    let filePath: string | undefined;
    try {
      const file = await bots.api(token).getFile(ref.fileId);
      filePath = file.file_path;
    } catch (error) {
      if (error instanceof GrammyError) {
        // 400 (unknown file, too big) and 401 (token replaced) will not heal; 429/5xx may.
        const permanent = error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429;
        throw new ChannelRefusedError(
          `Telegram: getFile refused (${error.error_code}: ${redactToken(error.description, token)})`,
          {
            permanent,
            code: error.error_code,
          },
        );
      }
      throw new ChannelNetworkError("Telegram: the Bot API could not be reached for getFile");
    }
    if (!filePath)
      throw new ChannelRefusedError("Telegram: no download path was given for the file", { permanent: true });
    let response: Response;
    try {
      response = await fetchFile(bots.fileUrl(token, filePath));
    } catch {
      throw new ChannelNetworkError("Telegram: the file download could not be started");
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ChannelRefusedError(`Telegram: the file download answered ${response.status}`, {
        permanent: response.status === 404,
      });
    }
    // Only the download's own header: getFile's file_size may not match the bytes sent chunked.
    const length = declaredLength(response.headers.get("content-length"));
    return {
      body: response.body as ReadableStream<Uint8Array>,
      contentType: ref.mimeType ?? response.headers.get("content-type") ?? undefined,
      fileName: ref.name,
      ...(length !== undefined ? { size: length } : {}),
    };
  };
}
