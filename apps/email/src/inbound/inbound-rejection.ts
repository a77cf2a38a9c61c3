/**
 * @module inbound/inbound-rejection — a mail the gateway refuses, with the SMTP reply to give.
 */

/** Thrown for a mail that must be refused (not retried): answered with `smtpCode` or HTTP 400. */
export class InboundRejection extends Error {
  constructor(
    readonly smtpCode: number,
    message: string,
  ) {
    super(message);
    this.name = "InboundRejection";
  }
}
