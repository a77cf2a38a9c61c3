/**
 * @module settings/inbound-preview — the settings preview that tells an admin how customers'
 * mail reaches the CRM: the inbound address, the MX record for the gateway's SMTP server and
 * the tenant's raw-MIME webhook URL (its token is shown nowhere else), and the DNS TXT record that
 * proves the domain before the gateway's MX accepts mail for it. In the CRM's language.
 */
import { translate, type Language, type MarkdownPreviewer, type Tenant, type Text } from "@switchboard/core";
import type { DomainVerifier } from "../inbound/domain-verification.js";
import type { EmailServices } from "../services.js";
import { INBOUND_ROUTE_PREFIX } from "../webhook/inbound-webhook.js";
import { domainOf } from "../contact/address.js";
import type { EmailSettings } from "./form.js";
import { claimedInboundAddress } from "./tenant-addresses.js";

/** The preview's sentences; `{…}` parts are filled in by the functions. */
const TEXT = {
  unsaved: {
    en_US: "Save the settings with a From address to see how to receive mail.",
    ru_RU: "Сохраните настройки с адресом отправителя, чтобы увидеть, как получать письма.",
  },
  preVerified: (domain: string): Text => ({
    en_US: `**Domain:** ${domain} is verified by the operator of this gateway.`,
    ru_RU: `**Домен:** ${domain} подтверждён оператором этого шлюза.`,
  }),
  proofFound: {
    en_US: "Found: the gateway accepts mail for this address.",
    ru_RU: "Запись найдена: шлюз принимает почту для этого адреса.",
  },
  proofUnknown: {
    en_US: "DNS could not be asked just now; the record is checked again when mail arrives.",
    ru_RU: "Сейчас не удалось обратиться к DNS; запись будет проверена снова, когда придёт письмо.",
  },
  proofMissing: {
    en_US: "Not found yet: until it is, the gateway's SMTP server refuses mail for this address.",
    ru_RU: "Запись пока не найдена: до тех пор SMTP-сервер шлюза не принимает почту для этого адреса.",
  },
  proveDomain: (domain: string): Text => ({
    en_US: `**Domain verification:** prove that ${domain} is yours by creating this DNS record:`,
    ru_RU: `**Подтверждение домена:** докажите, что ${domain} принадлежит вам, создав эту DNS-запись:`,
  }),
  smtpOff: {
    en_US: "The gateway's own SMTP server is switched off on this installation; use forwarding (below).",
    ru_RU: "Собственный SMTP-сервер шлюза в этой установке выключен; используйте пересылку (ниже).",
  },
  pointMx: (domain: string, host: string, port: number): Text => ({
    en_US:
      `Point the domain's MX record at this gateway: \`${domain}. MX 10 ${host}.\` ` +
      `(the gateway's SMTP server listens on port ${port}; MX delivery uses port 25).`,
    ru_RU:
      `Направьте MX-запись домена на этот шлюз: \`${domain}. MX 10 ${host}.\` ` +
      `(SMTP-сервер шлюза слушает порт ${port}; доставка по MX идёт на порт 25).`,
  }),
  writeTo: (address: string): Text => ({
    en_US: `**Customers write to:** ${address}`,
    ru_RU: `**Клиенты пишут на:** ${address}`,
  }),
  byMx: (smtp: string): Text => ({
    en_US: `**Receiving by MX:** ${smtp}`,
    ru_RU: `**Получение через MX:** ${smtp}`,
  }),
  byWebhook: {
    en_US: "**Receiving by forwarding or a provider's inbound webhook:** POST the raw message (RFC 822) to",
    ru_RU:
      "**Получение пересылкой или через входящий вебхук почтового сервиса:** отправьте POST-запросом исходное письмо (RFC 822) на",
  },
  keepSecret: {
    en_US: "Keep this URL secret: anyone who has it can post mail into the CRM.",
    ru_RU: "Храните этот адрес в секрете: любой, у кого он есть, может отправлять письма в CRM.",
  },
} satisfies Record<string, Text | ((...args: never[]) => Text)>;

/** The domain proof paragraph: the record to create and whether it was found. */
async function domainProof(domains: DomainVerifier, tenant: Tenant, domain: string, language: Language) {
  if (domains.isPreVerified(domain)) return translate(TEXT.preVerified(domain), language);
  const { name, value } = await domains.recordFor(tenant.id, domain);
  const proof = await domains.check(tenant.id, domain);
  const status = proof === "verified" ? TEXT.proofFound : proof === "unknown" ? TEXT.proofUnknown : TEXT.proofMissing;
  return [
    translate(TEXT.proveDomain(domain), language),
    "",
    `\`${name}. TXT "${value}"\``,
    "",
    translate(status, language),
  ].join("\n");
}

/** Builds the previewer; `inboundPort` says whether and where the inbound SMTP server listens. */
export function inboundPreviewer(
  services: EmailServices,
  inboundPort: number | undefined,
): MarkdownPreviewer<EmailSettings> {
  const { runtime } = services;
  return async (tenant, { settings, language }) => {
    const address = claimedInboundAddress(settings.mail) ?? claimedInboundAddress(tenant?.settings.mail);
    if (!tenant || !address) return translate(TEXT.unsaved, language);
    const domain = domainOf(address);
    const host = new URL(runtime.config.selfUri).hostname;
    const url = runtime.publicUrl(INBOUND_ROUTE_PREFIX + (await services.tokens.getOrCreate(tenant.id)));
    const smtp = inboundPort === undefined ? TEXT.smtpOff : TEXT.pointMx(domain, host, inboundPort);
    return [
      translate(TEXT.writeTo(address), language),
      "",
      translate(TEXT.byMx(translate(smtp, language)), language),
      "",
      ...(inboundPort === undefined ? [] : [await domainProof(services.domains, tenant, domain, language), ""]),
      translate(TEXT.byWebhook, language),
      "",
      `\`${url}\``,
      "",
      translate(TEXT.keepSecret, language),
    ].join("\n");
  };
}
