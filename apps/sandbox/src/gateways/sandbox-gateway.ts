/**
 * @module gateways/sandbox-gateway — what the sandbox needs to know of one gateway: its package,
 * its ports, and how to start its fake, provision the company's settings against it and let a
 * simulated customer write. Everything else in the sandbox iterates the list of these
 * (`gateways/list.ts`), so a new gateway is one declaration and one entry there.
 */
import type { FakeBitrix24 } from "@switchboard/testkit/bitrix24";
import type { Hono } from "hono";
import type { UploadStore } from "../files/upload-store.js";
import type { ConversationRules, InboxStore } from "../inbox/inbox-store.js";

/** A port the gateway listens on, with the sandbox variable that sets it (0: a free port). */
export interface PortSpec {
  variable: string;
  fallback: number;
}

/** What a gateway's fake and customers are started with. */
export interface SandboxContext {
  /** The gateway's resolved ports by their names in {@link SandboxGateway.ports} (`http` always). */
  ports: Readonly<Record<string, number>>;
  /** Files customers upload, served by the sandbox. */
  uploads: UploadStore;
  /** Tells the gateway's customer page something changed (an SSE event named after the gateway). */
  publish(payload: Record<string, unknown>): void;
  /** The fake Bitrix24 cloud (a gateway serving Bitrix24 points its OAuth URL at it). */
  bitrix24: FakeBitrix24;
}

/** A gateway's running fake and customer side. */
export interface StartedSandboxGateway {
  /** The gateway process's own variables, pointing it at the fake (core's are the sandbox's). */
  env: Record<string, string>;
  /** The settings the company saves through the protocol (the gateway checks them against the fake). */
  settings: Record<string, Record<string, unknown>>;
  /** Runs after the settings are saved (e.g. connecting the Bitrix24 portal); `url` is the gateway's. */
  afterProvision?(url: string): Promise<void>;
  /** The customer page's file in `public/`, served at `/customer/<name>`. */
  page: string;
  /** Adds the customer page's JSON API (`/api/<name>/…`). */
  addRoutes(app: Hono, store: InboxStore): void;
  /** Why a message to this contact failed, when the customer side or the fake knows. */
  failureReason(contact: string): string | undefined;
  /** Stops the fake and whatever watches it. */
  close(): Promise<void> | void;
}

/** One gateway as the sandbox runs it. */
export interface SandboxGateway {
  /** The channel's name: the tenant's plugin alias, the data file, the log prefix, the page path. */
  name: string;
  /** How the pages name it ("Telegram"). */
  label: string;
  /** Its workspace package (the sandbox runs `<package>/dist/main.js`; add it to the sandbox's dependencies). */
  packageName: string;
  /** Its ports; `http` is LV_PLUGIN_SELF_URI's and PORT. */
  ports: { http: PortSpec } & Record<string, PortSpec>;
  /** Variables of a shell meant for this gateway alone, dropped from what every gateway inherits. */
  variablePrefixes: string[];
  /** What a contact looks like, for the inbox's "New chat" form. */
  contactPlaceholder: string;
  /** How the inbox tells its conversations apart (default: one per contact, compared exactly). */
  conversations?: ConversationRules;
  /** Starts the fake and the customer side. */
  start(context: SandboxContext): Promise<StartedSandboxGateway>;
}
