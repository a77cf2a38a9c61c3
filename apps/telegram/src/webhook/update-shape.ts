/**
 * @module webhook/update-shape — the parts of a Telegram update the gateway reads, checked before
 * use. Telegram redelivers an update for as long as the webhook answers 5xx, so a shape we cannot
 * read must be told apart from a failure to store it. Unknown fields and update kinds pass.
 */
import { z } from "zod";

// Telegram's ids fit in 52 bits; message ids, dates and sizes are never negative.
const id = z.number().int().safe();
const count = z.number().int().nonnegative().safe();

const fileFields = {
  file_id: z.string().min(1),
  file_unique_id: z.string().min(1),
  file_size: count.optional(),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
};
const file = z.looseObject(fileFields);
const location = z.looseObject({ latitude: z.number(), longitude: z.number() });

const chat = z
  .looseObject({ id, type: z.enum(["private", "group", "supergroup", "channel"]) })
  // A user's chat id is positive, a group's or channel's negative: the CRM contact is built from it.
  .refine((c) => (c.type === "private" ? c.id > 0 : c.id < 0), { message: "chat id has the wrong sign", path: ["id"] });

const message = z.looseObject({
  message_id: count,
  date: count,
  chat,
  from: z
    .looseObject({
      id: id.positive(),
      first_name: z.string(),
      last_name: z.string().optional(),
      username: z.string().optional(),
    })
    .optional(),
  sender_chat: z.looseObject({ title: z.string().optional() }).optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(z.looseObject({ ...fileFields, width: count, height: count })).optional(),
  voice: file.optional(),
  audio: file.optional(),
  video: file.optional(),
  video_note: file.optional(),
  document: file.optional(),
  sticker: z
    .looseObject({
      ...fileFields,
      is_animated: z.boolean().optional(),
      is_video: z.boolean().optional(),
      emoji: z.string().optional(),
    })
    .optional(),
  location: location.optional(),
  venue: z.looseObject({ title: z.string(), address: z.string(), location }).optional(),
  contact: z
    .looseObject({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional() })
    .optional(),
});

/** An update as far as the gateway reads it. */
const update = z.looseObject({
  update_id: count,
  message: message.optional(),
  edited_message: message.optional(),
});

/** What a webhook body is: an update we can read, one we cannot (and why), or no update at all. */
export type UpdateCheck =
  | { kind: "update"; updateId: number }
  | { kind: "unreadable"; updateId: number; problems: string[] }
  | { kind: "not-an-update" };

/** Checks a parsed webhook body; `problems` name the fields (never their values, which may be a customer's words). */
export function checkUpdate(body: unknown): UpdateCheck {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { kind: "not-an-update" };
  const updateId = count.safeParse((body as { update_id?: unknown }).update_id);
  if (!updateId.success) return { kind: "not-an-update" };
  const parsed = update.safeParse(body);
  if (parsed.success) return { kind: "update", updateId: updateId.data };
  const problems = parsed.error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.join(".") || "(update)"}: ${issue.code}`);
  return { kind: "unreadable", updateId: updateId.data, problems };
}
