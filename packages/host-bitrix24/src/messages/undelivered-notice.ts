/**
 * @module messages/undelivered-notice — telling the operator that their message did not reach the
 * customer, and why. Bitrix24 has no per-message error status for connectors, so the notice is a
 * system message in the Open Lines chat itself (see README "Not delivered" for how sure this is):
 *
 * - `im.message.add` with `DIALOG_ID=chat<im.chat_id>`, `SYSTEM=Y`: b24restdocs
 *   `chats/messages/im-message-add.md` documents DIALOG_ID `chatXXX` and SYSTEM. A copy of the im
 *   module's REST handler (public code index, repository not identified) shows that SYSTEM takes
 *   effect only when the token's user has access to the dialogue, that an app's system message is
 *   prefixed with the app's name in bold, and that `SKIP_CONNECTOR=Y` keeps the message from being
 *   relayed to the connector: without it the notice could be sent on to the customer as an
 *   operator message.
 * - When the token's user may not write to that chat (`ACCESS_ERROR`), the fallback is
 *   `im.notify.system.add` to the operator who wrote (`message.user_id` of the event), documented
 *   in `chats/notifications/im-notify-system-add.md` ("only available when called through the application").
 */
import type { Language } from "@switchboard/core";
import { escapeBbcode } from "../format/escape-bbcode.js";

/** What failed and for whom. */
export interface UndeliveredMessage {
  /** `im.chat_id` of the operator's message. */
  imChatId: number;
  /** Why the channel did not take it, in words an operator can act on (never a secret). */
  reason: string;
  /** The start of the operator's text, so the operator sees which message it was. */
  excerpt?: string;
  language: Language;
}

const HEADLINE = { en_US: "Not delivered to the customer", ru_RU: "Не доставлено клиенту" } as const;
const MESSAGE_LABEL = { en_US: "Message", ru_RU: "Сообщение" } as const;
const EXCERPT_LIMIT = 120;

/** The notice's BB-code text; the reason and excerpt are escaped, so neither can carry markup. */
export function undeliveredText(input: Omit<UndeliveredMessage, "imChatId">): string {
  const reason = escapeBbcode(input.reason.replace(/\s+/g, " ").trim()).slice(0, 500);
  let text = `[b]${HEADLINE[input.language]}:[/b] ${reason}`;
  const excerpt = input.excerpt?.replace(/\s+/g, " ").trim();
  if (excerpt) {
    const short = [...excerpt].length > EXCERPT_LIMIT ? `${[...excerpt].slice(0, EXCERPT_LIMIT).join("")}…` : excerpt;
    text += `\n${MESSAGE_LABEL[input.language]}: «${escapeBbcode(short)}»`;
  }
  return text;
}

/** The `im.message.add` call that posts the notice into the Open Lines chat. */
export function undeliveredNotice(input: UndeliveredMessage): {
  method: "im.message.add";
  params: Record<string, string>;
} {
  return {
    method: "im.message.add",
    params: {
      DIALOG_ID: `chat${input.imChatId}`,
      MESSAGE: undeliveredText(input),
      SYSTEM: "Y",
      SKIP_CONNECTOR: "Y",
      URL_PREVIEW: "N",
    },
  };
}

/** The fallback: a system notification to the operator who wrote the message. */
export function undeliveredNotification(
  input: Omit<UndeliveredMessage, "imChatId"> & { operatorUserId: number; tag: string },
): { method: "im.notify.system.add"; params: Record<string, string | number> } {
  return {
    method: "im.notify.system.add",
    params: { USER_ID: input.operatorUserId, MESSAGE: undeliveredText(input), TAG: input.tag },
  };
}
