/**
 * @module contact/phone — phone numbers in E.164, the only form Twilio accepts.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { InvalidInputError } from "@switchboard/core";

/**
 * The E.164 form of a phone number, or undefined when it is not a valid number. A number without
 * `+` is read as national in `defaultCountry` (the tenant's registration country).
 * @example toE164("8 (916) 123-45-67", "RU") // "+79161234567"
 */
export function toE164(raw: string, defaultCountry?: string): string | undefined {
  const cleaned = raw.trim().replace(/^tel:/i, "");
  if (!cleaned) return undefined;
  const country = defaultCountry?.toUpperCase();
  const parsed = parsePhoneNumberFromString(
    cleaned,
    country && isSupportedCountry(country) ? (country as CountryCode) : undefined,
  );
  return parsed?.isValid() ? parsed.number : undefined;
}

/** Like {@link toE164} but a contact that is not a valid number is a permanent send error. */
export function contactToE164(contact: string, defaultCountry?: string): string {
  const e164 = toE164(contact, defaultCountry);
  if (!e164) throw new InvalidInputError(`Twilio: "${contact}" is not a valid phone number`);
  return e164;
}
