/**
 * @module webhook/paths — where Twilio reaches a tenant: relative to LV_PLUGIN_SELF_URI. The routes
 * are contracts (numbers and Messaging Services are configured with them).
 */

/** Route of the inbound message webhook. */
export const INBOUND_ROUTE = "sms/inbound/:publicId";

/** Route of the status callback. */
export const STATUS_ROUTE = "sms/status/:publicId";

/** Path of a tenant's inbound message webhook. */
export function inboundPath(publicId: string): string {
  return `sms/inbound/${publicId}`;
}

/** Path of a tenant's status callback. */
export function statusPath(publicId: string): string {
  return `sms/status/${publicId}`;
}
