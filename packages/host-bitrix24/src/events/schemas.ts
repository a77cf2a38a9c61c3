/**
 * @module events/schemas — the events the Bitrix24 host takes, as zod schemas of the parsed form.
 * Shapes from bitrix24/b24restdocs `api-reference/imopenlines/imconnector/events/*.md` and
 * `api-reference/common/events/on-app-install.md` / `on-app-uninstall.md`. Form values are strings,
 * so numbers are coerced; where the docs changed shape over time both are accepted (noted inline).
 */
import { z } from "zod";

/** A positive integer id as the form carries it ("107") or as JSON would (107). */
const intId = z.union([z.string().regex(/^\d{1,15}$/), z.number().int().nonnegative()]).transform(Number);
/** An opaque id we got from ourselves or Bitrix (external chat and message ids). */
const textId = z.union([z.string().min(1).max(1000), z.number()]).transform(String);

/**
 * A list as qs gives it: an array, or an object keyed by index when a sender skipped indices
 * (`[0]`, `[2]`); either way the elements in index order.
 */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([key]) => /^\d{1,4}$/.test(key))) return value;
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }, z.array(item));
}

/** `auth[...]` of every event. Only `member_id` and `application_token` are always there. */
const eventAuth = z.object({
  member_id: z.string().min(1).max(200),
  application_token: z.string().min(1).max(200),
  domain: z.string().max(255).optional(),
  client_endpoint: z.string().max(500).optional(),
  server_endpoint: z.string().max(500).optional(),
  // Events triggered by automation come without `access_token` (the reference, §2): never rely on these.
  access_token: z.string().max(500).optional(),
  scope: z.string().max(1000).optional(),
  status: z.string().max(10).optional(),
  user_id: z.union([z.string(), z.number()]).optional(),
});

/** `auth[...]` of ONAPPINSTALL: the portal's first tokens, which we store. */
const installAuth = eventAuth.extend({
  access_token: z.string().min(1).max(500),
  refresh_token: z.string().min(1).max(500),
  expires_in: z.coerce.number().int().positive().optional(),
  expires: z.coerce.number().int().positive().optional(),
  client_endpoint: z.string().url().max(500),
});

const installEvent = z.object({
  event: z.literal("ONAPPINSTALL"),
  data: z
    .object({
      VERSION: z.string().optional(),
      ACTIVE: z.string().optional(),
      INSTALLED: z.string().optional(),
      LANGUAGE_ID: z.string().optional(),
    })
    .optional(),
  ts: z.coerce.number().optional(),
  auth: installAuth,
});

const uninstallEvent = z.object({
  event: z.literal("ONAPPUNINSTALL"),
  data: z.object({ CLEAN: z.string().optional(), LANGUAGE_ID: z.string().optional() }).optional(),
  ts: z.coerce.number().optional(),
  auth: eventAuth,
});

/** An operator file in a message event (fields from green-api's connector and the reference §4). */
const operatorFile = z.object({
  link: z.string().min(1).max(4000),
  name: z.string().max(1000).optional(),
  type: z.string().max(100).optional(),
  mime: z.string().max(255).optional(),
  size: z.coerce.number().nonnegative().optional(),
  sizef: z.string().max(100).optional(),
  width: z.coerce.number().optional(),
  height: z.coerce.number().optional(),
});

const imIds = z.object({ chat_id: intId, message_id: intId });
const externalChat = z.object({ id: textId });
/**
 * `message.id` of update/delete events: an array of our ids, or one id (the delete docs show a
 * string). A message we never confirmed has no ids, and an empty array vanishes in a form body, so
 * a missing or empty `id` (`message[id]=`, as the fake portal writes it) is an empty list.
 */
const externalIds = z.preprocess(
  (value) => (value === "" ? [] : value),
  z.union([listOf(textId), textId.transform((id) => [id])]).default([]),
);

const messageAddItem = z.object({
  im: imIds,
  message: z.object({
    user_id: intId.optional(),
    text: z.string().max(100_000).default(""),
    files: listOf(operatorFile).default([]),
  }),
  chat: externalChat,
});

const messageUpdateItem = z.object({
  im: imIds,
  message: z.object({
    id: externalIds,
    user_id: intId.optional(),
    text: z.string().max(100_000).default(""),
  }),
  chat: externalChat,
});

const messageDeleteItem = z.object({
  im: imIds,
  message: z.object({ id: externalIds }),
  chat: externalChat,
});

function connectorEvent<N extends string, T extends z.ZodType>(name: N, item: T) {
  return z.object({
    event: z.literal(name),
    event_handler_id: z.coerce.number().optional(),
    data: z.object({
      CONNECTOR: z.string().min(1).max(100),
      LINE: intId,
      MESSAGES: listOf(item).refine((list) => list.length > 0, "MESSAGES is empty"),
    }),
    ts: z.coerce.number().optional(),
    auth: eventAuth,
  });
}

const messageAddEvent = connectorEvent("ONIMCONNECTORMESSAGEADD", messageAddItem);
const messageUpdateEvent = connectorEvent("ONIMCONNECTORMESSAGEUPDATE", messageUpdateItem);
const messageDeleteEvent = connectorEvent("ONIMCONNECTORMESSAGEDELETE", messageDeleteItem);

// The current docs show `data{connector, line}` in lower case; the older page listed CONNECTOR and LINE.
const statusDeleteEvent = z.object({
  event: z.literal("ONIMCONNECTORSTATUSDELETE"),
  data: z
    .object({
      connector: z.string().min(1).max(100).optional(),
      CONNECTOR: z.string().min(1).max(100).optional(),
      line: intId.optional(),
      LINE: intId.optional(),
    })
    .transform((d, ctx) => {
      const connector = d.connector ?? d.CONNECTOR;
      const line = d.line ?? d.LINE;
      if (connector === undefined || line === undefined) {
        ctx.addIssue({ code: "custom", message: "connector and line are required" });
        return z.NEVER;
      }
      return { connector, line };
    }),
  ts: z.coerce.number().optional(),
  auth: eventAuth,
});

// The current docs show a bare integer `data=107`; the older page named it LINE_ID.
const lineDeleteEvent = z.object({
  event: z.literal("ONIMCONNECTORLINEDELETE"),
  data: z.union([
    intId.transform((line) => ({ line })),
    z.object({ LINE_ID: intId }).transform((d) => ({ line: d.LINE_ID })),
    z.object({ LINE: intId }).transform((d) => ({ line: d.LINE })),
  ]),
  ts: z.coerce.number().optional(),
  auth: eventAuth,
});

/** Every event schema by its (upper-case) name. */
export const EVENT_SCHEMAS = new Map<string, z.ZodType>([
  ["ONAPPINSTALL", installEvent],
  ["ONAPPUNINSTALL", uninstallEvent],
  ["ONIMCONNECTORMESSAGEADD", messageAddEvent],
  ["ONIMCONNECTORMESSAGEUPDATE", messageUpdateEvent],
  ["ONIMCONNECTORMESSAGEDELETE", messageDeleteEvent],
  ["ONIMCONNECTORSTATUSDELETE", statusDeleteEvent],
  ["ONIMCONNECTORLINEDELETE", lineDeleteEvent],
]);

export type InstallEvent = z.output<typeof installEvent>;
export type UninstallEvent = z.output<typeof uninstallEvent>;
export type MessageAddEvent = z.output<typeof messageAddEvent>;
export type MessageUpdateEvent = z.output<typeof messageUpdateEvent>;
export type MessageDeleteEvent = z.output<typeof messageDeleteEvent>;
export type StatusDeleteEvent = z.output<typeof statusDeleteEvent>;
export type LineDeleteEvent = z.output<typeof lineDeleteEvent>;
export type OperatorFile = z.output<typeof operatorFile>;

/** One event we handle, told apart by `event`. */
export type Bitrix24Event =
  | InstallEvent
  | UninstallEvent
  | MessageAddEvent
  | MessageUpdateEvent
  | MessageDeleteEvent
  | StatusDeleteEvent
  | LineDeleteEvent;
