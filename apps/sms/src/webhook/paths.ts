/**
 * @module webhook/paths — where Twilio reaches a tenant: relative to LV_PLUGIN_SELF_URI.
 */

/** Path of a tenant's inbound message webhook. */
export function inboundPath(publicId: string): string {
  return `sms/inbound/${publicId}`;
}

/** Path of a tenant's status callback. */
export function statusPath(publicId: string): string {
  return `sms/status/${publicId}`;
}
