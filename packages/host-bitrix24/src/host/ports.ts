/**
 * @module host/ports — what the Bitrix24 host needs from core: the part of core's host runtime
 * (HOST-SEAM.md, decision 3) its routes and delivery use. Core's `HostRuntime` fills it; keeping it
 * this narrow lets each handler say exactly what it touches.
 */
import type {
  Capabilities,
  ChatMessage,
  Language,
  MarkdownPreview,
  Message,
  OperationOptions,
  OperationOutcome,
  SecretBox,
  SettingsData,
  SettingsForm,
  Text,
} from "@switchboard/core";
import type { Logger } from "pino";

/** A tenant as the host sees it: one Open Line of one portal (key `<member_id>/<line>`). */
export interface LineTenant {
  id: number;
  key: string;
  settings: SettingsData;
}

/** The static half of the gateway the host shows in the portal. */
export interface HostedGateway {
  name: string;
  info: { name: Text; description: Text };
  capabilities: Capabilities;
  /** PNG bytes (the connector's icon is made from them). */
  icon: Uint8Array;
  settings: SettingsForm;
}

/** Core's services, as the Bitrix24 host uses them. */
export interface HostPorts {
  gateway: HostedGateway;
  /** The gateway's markdown previewers: the settings page draws its `markdownPreview` fields with them. */
  ui: { previews?: Record<string, MarkdownPreview> };
  logger: Logger;
  secrets: SecretBox;
  /** An absolute public URL under LV_PLUGIN_SELF_URI for a relative path. */
  publicUrl(path: string): string;
  tenants: {
    open(key: string): Promise<LineTenant>;
    get(key: string): Promise<LineTenant | undefined>;
    byId(id: number): Promise<LineTenant | undefined>;
  };
  settings: {
    /** The stored settings with passwords masked. */
    masked(tenant: LineTenant): Promise<SettingsData>;
    /** checkSettings → the gateway's verifySettings → store; throws SettingsValidationError. */
    save(tenant: LineTenant, input: SettingsData, language: Language): Promise<SettingsData>;
  };
  messages: {
    /** Enqueues an operator's message for the channel; false when this CRM message id was accepted before. */
    accept(tenant: LineTenant, message: ChatMessage, options?: { hostData?: unknown }): Promise<boolean>;
    /** Stores an edit of an operator's message for the channel (core's `messages.edit`). */
    edit(
      tenant: LineTenant,
      crmMessageId: string,
      message: Pick<Message, "content" | "attachments">,
      options: OperationOptions,
    ): Promise<OperationOutcome>;
    /** Stores a deletion of an operator's message for the channel (core's `messages.remove`). */
    remove(tenant: LineTenant, crmMessageId: string, options: OperationOptions): Promise<OperationOutcome>;
  };
  files: {
    /** A signed, expiring URL serving the host's file resolver `kind` for `key`. */
    link(tenant: LineTenant, kind: string, key: string, options?: { fileName?: string; ttlSeconds?: number }): string;
  };
}
