/**
 * @module smtp-sink — `@switchboard/testkit/smtp`: a recording SMTP server for gateway tests.
 */
export { startSmtpSink } from "./smtp-sink.js";
export type { ScriptedReply, SinkEnvelope, SinkMessage, SmtpSink, SmtpSinkOptions, SmtpStage } from "./types.js";
