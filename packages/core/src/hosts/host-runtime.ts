/**
 * @module hosts/host-runtime — the services core hands one host (see `HostRuntime`): its tenants
 * only, the gateway's settings pipeline, the send queue and files.
 */
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import type { CoreConfig } from "../env.js";
import { SettingsValidationError } from "../errors.js";
import type { FileStore } from "../files/file-store.js";
import type { AnyGateway, GatewayInstance, GatewayRuntime, Tenant } from "../gateway/types.js";
import type { SendQueue } from "../queue/send-queue.js";
import type { SecretBox } from "../secrets/keyring.js";
import { checkSettings, maskPasswords } from "../settings/validate.js";
import type { TenantStore } from "../tenants/tenant-store.js";
import type { Message } from "../protocol/chat.js";
import type { HostRuntime, OperationOptions, OperationOutcome } from "./types.js";

/** Builds the runtime of the host `host` from core's parts and the running gateway. */
export function createHostRuntime(parts: {
  host: string;
  config: CoreConfig;
  logger: Logger;
  db: Database;
  secrets: SecretBox;
  gateway: AnyGateway;
  instance: GatewayInstance;
  gatewayRuntime: GatewayRuntime;
  tenants: TenantStore;
  queue: SendQueue;
  files: FileStore;
}): HostRuntime {
  const { host, gateway, instance, tenants } = parts;
  const own = (tenant: Tenant | undefined) => (tenant?.host === host ? tenant : undefined);
  const logger = parts.logger.child({ host });
  const capable = {
    edit: gateway.capabilities.messages.edit === true && instance.edit !== undefined,
    remove: gateway.capabilities.messages.delete === true && instance.remove !== undefined,
  };
  async function operate(
    tenant: Tenant,
    action: "edit" | "remove",
    crmMessageId: string,
    message: Pick<Message, "content" | "attachments"> | null,
    options: OperationOptions,
  ): Promise<OperationOutcome> {
    const log = { tenant: tenant.id, crmMessageId, action };
    if (!capable[action]) {
      // Recorded, not relayed: the channel cannot change a message it sent.
      logger.info(
        { event: "operation.unsupported", ...log },
        `${action} of a sent message not relayed: the channel cannot`,
      );
      return "unsupported";
    }
    const outcome = await parts.queue.enqueueOperation({
      tenantId: tenant.id,
      action,
      crmMessageId,
      operationKey: options.operationKey,
      message,
      ...(options.hostData === undefined ? {} : { hostData: options.hostData }),
    });
    if (outcome === "unknown" || outcome === "failed") {
      logger.warn(
        { event: "operation.not_queued", ...log },
        `${action} ignored: the message was ${outcome === "unknown" ? "never given to us" : "not sent"}`,
      );
    }
    return outcome;
  }
  return {
    config: parts.config,
    logger,
    db: parts.db,
    secrets: parts.secrets,
    publicUrl: parts.gatewayRuntime.publicUrl,
    gateway,
    ui: { previews: instance.previews, autocompletes: instance.autocompletes },
    tenants: {
      open: (key, init) => tenants.open(host, key, init),
      get: (key) => tenants.byKey(host, key),
      byId: async (id) => own(await tenants.byId(id)),
      byPublicId: async (publicId) => own(await tenants.byPublicId(publicId)),
      all: () => tenants.all(host),
    },
    settings: {
      masked: async (tenant) => maskPasswords(gateway.settings, await tenants.settings(tenant.id)),
      async save(tenant, input, language) {
        const submitted = input && typeof input === "object" && !Array.isArray(input) ? input : {};
        const previous = await tenants.settings(tenant.id);
        const checked = checkSettings(gateway.settings, submitted as Record<string, unknown>, previous, language);
        if (!checked.ok) throw new SettingsValidationError(checked.errors);
        await instance.verifySettings?.({ tenant, settings: checked.data, previous, language });
        await tenants.saveSettings(tenant.id, checked.data);
        try {
          await instance.settingsSaved?.((await tenants.byId(tenant.id))!);
        } catch (error) {
          logger.warn({ event: "settings.hook_failed", err: error, tenant: tenant.id }, "settingsSaved hook failed");
        }
        return maskPasswords(gateway.settings, checked.data);
      },
    },
    messages: {
      accept: (tenant, message, options = {}) => parts.queue.enqueue(tenant.id, message, options.hostData),
      edit: (tenant, crmMessageId, message, options) =>
        operate(tenant, "edit", crmMessageId, { content: message.content, attachments: message.attachments }, options),
      remove: (tenant, crmMessageId, options) => operate(tenant, "remove", crmMessageId, null, options),
    },
    files: {
      link: parts.gatewayRuntime.files.link,
      store: parts.gatewayRuntime.files.store,
      put: (tenant, file) => parts.files.put(tenant, file),
      open: (tenant, id, options) => parts.files.open(tenant, id, options),
    },
  };
}
