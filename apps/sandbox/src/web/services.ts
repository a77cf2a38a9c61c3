/**
 * @module web/services — everything the web routes use, built by the sandbox at start.
 */
import type { CrmSimulator } from "@switchboard/testkit";
import type { FakePortal } from "@switchboard/testkit/bitrix24";
import type { Hono } from "hono";
import type { UploadStore } from "../files/upload-store.js";
import type { InboxStore } from "../inbox/inbox-store.js";
import type { ProtocolEvent } from "../inbox/protocol-events.js";
import type { OpenLines } from "../portal/open-lines.js";
import type { LiveHub } from "./live-hub.js";

/** One running gateway as the pages see it. */
export interface SandboxChannel {
  name: string;
  label: string;
  contactPlaceholder: string;
  /** Its customer page's file in `public/`, served at `/customer/<name>`. */
  page: string;
  /** Its LV_PLUGIN_SELF_URI. */
  url: string;
  /** Its ports by name (`http`, and e.g. email's `smtpInbound`). */
  ports: Readonly<Record<string, number>>;
}

/** The sandbox's parts, as the routes see them. */
export interface SandboxServices {
  crm: CrmSimulator;
  store: InboxStore;
  uploads: UploadStore;
  hub: LiveHub;
  /** The gateways, in the list's order. */
  channels: readonly SandboxChannel[];
  /** Adds every gateway's customer-page API. */
  addCustomerRoutes(app: Hono): void;
  /** The company's Bitrix24 portal on the fake Bitrix24 (its drivers open the settings slider). */
  portal: FakePortal;
  /** The portal's Open Lines chats as its operator sees them. */
  openLines: OpenLines;
  /** The newest protocol events, oldest first. */
  protocolEvents(): ProtocolEvent[];
  /** An absolute URL of the sandbox for a path (what the gateways download attachments from). */
  publicUrl(path: string): string;
}
