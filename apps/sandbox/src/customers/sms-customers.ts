/**
 * @module customers/sms-customers — people texting the company's number: their texts become signed
 * Twilio webhooks posted to the number's inbound URL, the company's texts are read from the fake
 * Twilio, and marking one delivered or failed posts Twilio's signed status callback.
 */
import type { FakeMessage, FakeTwilio } from "@switchboard/testkit/twilio";
import { TWILIO_ACCOUNT } from "../channels.js";
import type { UploadStore } from "../files/upload-store.js";
import type { UploadedFile } from "./uploaded-file.js";
import { watchArray } from "./watch-array.js";

/** One text of a phone's thread with the company. */
export interface SmsThreadEntry {
  /** The Twilio message SID. */
  id: string;
  from: "customer" | "company";
  text: string;
  media: Array<{ url: string; contentType: string | null }>;
  /** The company's texts: Twilio's status (`queued`, `delivered`, `failed`…). */
  status: string | null;
  at: number;
}

/** A failure a customer can play: the handset cannot be reached. */
const FAILURE = { code: 30003, message: "Unreachable destination handset" };

/** Thrown when the SMS side cannot do what was asked (the page shows the message). */
export class SmsCustomerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SmsCustomerError";
  }
}

/** The SMS side of the sandbox. */
export class SmsCustomers {
  private readonly threads = new Map<string, SmsThreadEntry[]>();
  private readonly failures = new Map<string, string>();
  private readonly companyTexts = new Map<string, FakeMessage>();
  private readonly stopWatching: () => void;

  constructor(
    private readonly fake: FakeTwilio,
    private readonly uploads: UploadStore,
    private readonly onChange: (phone: string) => void,
  ) {
    this.stopWatching = watchArray(fake.messages, (message) => this.noticeCompanyText(message));
  }

  /** The company's number. */
  get companyNumber(): string {
    return TWILIO_ACCOUNT.number;
  }

  /** The thread of one phone number with the company, oldest first. */
  thread(phone: string): SmsThreadEntry[] {
    // Twilio's status changes in place on the fake's record: read it live.
    return (this.threads.get(phone) ?? []).map((e) =>
      e.from === "company" ? { ...e, status: this.companyTexts.get(e.id)?.status ?? e.status } : e,
    );
  }

  /** Texts the company from `phone` (an MMS when a picture is attached); resolves once the gateway took it. */
  async send(phone: string, text: string, upload: UploadedFile | undefined): Promise<SmsThreadEntry> {
    const inboundUrl = this.fake.state.numbers.find((n) => n.phoneNumber === TWILIO_ACCOUNT.number)?.smsUrl;
    if (!inboundUrl)
      throw new SmsCustomerError(503, "The company's number has no inbound webhook: the SMS gateway is not connected");
    const media = upload ? [{ contentType: upload.contentType, data: upload.bytes }] : [];
    const params = this.fake.inboundParams({
      accountSid: TWILIO_ACCOUNT.accountSid,
      from: phone,
      to: TWILIO_ACCOUNT.number,
      body: text,
      media,
    });
    const response = await this.fake.sendInbound(inboundUrl, params, TWILIO_ACCOUNT.authToken);
    if (!response.ok) {
      throw new SmsCustomerError(
        502,
        `The SMS gateway answered ${response.status} to the webhook: ${(await response.text()).slice(0, 300)}`,
      );
    }
    const entry: SmsThreadEntry = {
      id: String(params.MessageSid),
      from: "customer",
      text,
      media: upload ? [{ url: `/${this.uploads.put(upload).path}`, contentType: upload.contentType }] : [],
      status: null,
      at: Date.now(),
    };
    this.append(phone, entry);
    return entry;
  }

  /** Plays the carrier: the company's text reached the handset, or could not; Twilio calls the gateway back. */
  async mark(sid: string, outcome: "delivered" | "failed"): Promise<void> {
    const message = this.fake.messages.find((m) => m.sid === sid && m.accountSid === TWILIO_ACCOUNT.accountSid);
    if (!message) throw new SmsCustomerError(404, `No text ${sid.slice(0, 40)} was sent by the company`);
    if (!message.statusCallback) throw new SmsCustomerError(409, "This text was sent without a status callback");
    if (outcome === "failed")
      this.failures.set(message.to, `Twilio: failed, error ${FAILURE.code} (${FAILURE.message})`);
    const response = await this.fake.deliver(sid, outcome, outcome === "failed" ? FAILURE : undefined);
    if (!response.ok)
      throw new SmsCustomerError(502, `The SMS gateway answered ${response.status} to the status callback`);
    this.onChange(message.to);
  }

  /** Why a text to this number failed, when the customer page made it fail or Twilio refused it. */
  failureReason(contact: string): string | undefined {
    const refused = this.fake
      .messageCreates()
      .filter((r) => r.form.get("To") === contact && r.status >= 400)
      .at(-1);
    return this.failures.get(contact) ?? (refused ? `Twilio refused the message (HTTP ${refused.status})` : undefined);
  }

  /** Stops watching the fake. */
  close(): void {
    this.stopWatching();
  }

  private noticeCompanyText(message: FakeMessage): void {
    if (message.accountSid !== TWILIO_ACCOUNT.accountSid) return;
    this.companyTexts.set(message.sid, message);
    this.append(message.to, {
      id: message.sid,
      from: "company",
      text: message.body,
      media: message.mediaUrls.map((url) => ({ url, contentType: null })),
      status: message.status,
      at: Date.now(),
    });
  }

  private append(phone: string, entry: SmsThreadEntry): void {
    const thread = this.threads.get(phone) ?? [];
    thread.push(entry);
    this.threads.set(phone, thread);
    this.onChange(phone);
  }
}
