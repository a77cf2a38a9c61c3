/**
 * @module web/services — everything the web routes use, built by the sandbox at start.
 */
import type { CrmSimulator } from "@switchboard/testkit";
import type { FakePortal } from "@switchboard/testkit/bitrix24";
import type { Channel } from "../channels.js";
import type { EmailCustomers } from "../customers/email-customers.js";
import type { SmsCustomers } from "../customers/sms-customers.js";
import type { TelegramCustomers } from "../customers/telegram-customers.js";
import type { UploadStore } from "../files/upload-store.js";
import type { InboxStore } from "../inbox/inbox-store.js";
import type { ProtocolEvent } from "../inbox/protocol-events.js";
import type { OpenLines } from "../portal/open-lines.js";
import type { LiveHub } from "./live-hub.js";

/** The sandbox's parts, as the routes see them. */
export interface SandboxServices {
  crm: CrmSimulator;
  store: InboxStore;
  uploads: UploadStore;
  hub: LiveHub;
  gatewayUrls: Record<Channel, string>;
  telegram: TelegramCustomers;
  sms: SmsCustomers;
  email: EmailCustomers;
  /** The company's Bitrix24 portal on the fake Bitrix24 (its drivers open the settings slider). */
  portal: FakePortal;
  /** The portal's Open Lines chats as its operator sees them. */
  openLines: OpenLines;
  /** The newest protocol events, oldest first. */
  protocolEvents(): ProtocolEvent[];
  /** An absolute URL of the sandbox for a path (what the gateways download attachments from). */
  publicUrl(path: string): string;
}
