/**
 * @module twilio/client — Twilio REST clients per account, all sharing one HTTP client.
 */
import twilio from "twilio";
import { BaseUrlRequestClient } from "./http-client.js";

/** A Twilio REST client (the library's own type). */
export type TwilioClient = ReturnType<typeof twilio>;

/** Credentials of one Twilio account. */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

/** Makes clients for any account against one API base. */
export class TwilioClients {
  private readonly http: BaseUrlRequestClient;

  constructor(readonly apiBaseUrl: string) {
    this.http = new BaseUrlRequestClient(apiBaseUrl);
  }

  /** A client for these credentials (cheap: the library loads resources lazily). */
  for(credentials: TwilioCredentials): TwilioClient {
    return twilio(credentials.accountSid, credentials.authToken, {
      httpClient: this.http,
      autoRetry: false,
      accountSid: credentials.accountSid,
    });
  }
}
