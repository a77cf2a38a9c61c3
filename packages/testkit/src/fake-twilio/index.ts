/**
 * @module fake-twilio — a fake Twilio REST API on loopback for tests and the sandbox
 * (`@switchboard/testkit/twilio`).
 */
export {
  startFakeTwilio,
  postSignedForm,
  type FakeTwilio,
  type InboundInput,
  type InboundMedia,
  type StatusCallback,
  type StatusError,
} from "./fake-twilio.js";
export { twilioSignature, encodeForm, type WebhookParams } from "./signature.js";
export type { FailureTarget, RecordedRequest, ScriptedFailure } from "./state.js";
export { FakeTwilioState } from "./state.js";
export {
  countSegments,
  makeSid,
  type FakeAccount,
  type FakeMedia,
  type FakeMessage,
  type FakeMessagingService,
  type FakePhoneNumber,
} from "./resources.js";
