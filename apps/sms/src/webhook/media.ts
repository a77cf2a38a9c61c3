/**
 * @module webhook/media — the media of an inbound MMS as CRM attachments behind signed links.
 */
import { ownEntry, type Attachment, type GatewayRuntime, type Tenant } from "@switchboard/core";
import type { SmsSettings } from "../settings/form.js";
import { param, type TwilioParams } from "./signature.js";

const MEDIA_PATH =
  /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\/([A-Z]{2}[0-9a-fA-F]{32})\/Media\/(ME[0-9a-fA-F]{32})$/;

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/heic": "heic",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "audio/mpeg": "mp3",
  "audio/amr": "amr",
  "audio/ogg": "ogg",
  "application/pdf": "pdf",
  "text/vcard": "vcf",
  "text/x-vcard": "vcf",
  "text/plain": "txt",
};

/** The key of a media item: `<AccountSid>/<MessageSid>/<MediaSid>`. */
export interface MediaKey {
  accountSid: string;
  messageSid: string;
  mediaSid: string;
}

/** Parses a MediaUrl; undefined unless it is a media resource under the configured API base. */
export function parseMediaUrl(mediaUrl: string, apiBaseUrl: string): MediaKey | undefined {
  const base = apiBaseUrl.replace(/\/+$/, "");
  if (!mediaUrl.startsWith(base + "/")) return undefined;
  const match = new URL(mediaUrl).pathname.slice(new URL(base).pathname.replace(/\/+$/, "").length).match(MEDIA_PATH);
  return match ? { accountSid: match[1]!, messageSid: match[2]!, mediaSid: match[3]! } : undefined;
}

/** The file name a media item gets in the CRM. */
export function mediaFileName(mediaSid: string, contentType: string): string {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const ext = ownEntry(EXTENSIONS, type) ?? type.split("/")[1]?.replace(/[^a-z0-9]/g, "") ?? "bin";
  return `${mediaSid}.${ext || "bin"}`;
}

/** Attachments of an inbound message, and how many media items had to be left out. */
export interface InboundMedia {
  attachments: Attachment[];
  skipped: number;
}

/**
 * One attachment per `NumMedia` item: `image` for image types, else `file`; its URI is a signed,
 * expiring link under LV_PLUGIN_SELF_URI that streams the media from Twilio. Media outside the
 * configured API base are never fetched: they are counted as skipped (and logged).
 */
export function mediaAttachments(
  tenant: Tenant<SmsSettings>,
  params: TwilioParams,
  runtime: GatewayRuntime<SmsSettings>,
  apiBaseUrl: string,
): InboundMedia {
  const count = Math.min(Number(param(params, "NumMedia") ?? 0) || 0, 10);
  const attachments: Attachment[] = [];
  let skipped = 0;
  for (let i = 0; i < count; i++) {
    const url = param(params, `MediaUrl${i}`) ?? "";
    const contentType = param(params, `MediaContentType${i}`) ?? "application/octet-stream";
    const key = parseMediaUrl(url, apiBaseUrl);
    if (!key) {
      runtime.logger.warn(
        { event: "sms.media_not_fetched", tenant: tenant.id, mediaUrl: url.slice(0, 200) },
        "inbound media URL is not under the Twilio API base; not fetched",
      );
      skipped += 1;
      continue;
    }
    const name = mediaFileName(key.mediaSid, contentType);
    attachments.push({
      name,
      type: contentType.toLowerCase().startsWith("image/") ? "image" : "file",
      uri: runtime.files.link(tenant, "media", `${key.accountSid}/${key.messageSid}/${key.mediaSid}`, {
        fileName: name,
      }),
    });
  }
  return { attachments, skipped };
}
