/**
 * @module messages — what the Bitrix24 host sends: customers' messages, delivery statuses, and the
 * operator's "not delivered" notice.
 */
export { NAME_LIMIT, nameForBitrix, personName, type BitrixPersonName } from "./person-name.js";
export {
  sendMessagesItem,
  sendMessagesParams,
  readSendMessagesResult,
  type CustomerMessage,
  type CustomerUser,
  type SendMessagesItem,
  type SentMessageOutcome,
} from "./send-messages.js";
export {
  deliveryStatusItem,
  deliveryStatusParams,
  type DeliveredOperatorMessage,
  type DeliveryStatusItem,
} from "./delivery-status.js";
export {
  undeliveredNotice,
  undeliveredNotification,
  undeliveredText,
  type UndeliveredMessage,
} from "./undelivered-notice.js";
