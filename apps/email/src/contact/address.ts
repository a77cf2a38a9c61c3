/**
 * @module contact/address — parsing `address` / `Name <address>` values: contacts, settings and mail headers (outbound and inbound both use it).
 */
import addressparser from "nodemailer/lib/addressparser/index.js";
import { z } from "zod";

/** A mailbox: optional display name and an address. */
export interface Mailbox {
  name: string;
  address: string;
}

/**
 * The longest address-like value we parse (RFC 5321's 64 + 1 + 255, rounded as RFC 3696's errata):
 * anything longer is refused before it reaches a parser, whose cost grows with its input.
 */
export const MAX_ADDRESS_LENGTH = 320;

const emailSchema = z.email();

/** True for a syntactically valid bare address (`user@example.com`): no name, brackets, spaces or line breaks. */
export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_ADDRESS_LENGTH && emailSchema.safeParse(value).success;
}

/** Parses `address` or `Name <address>` into exactly one mailbox; undefined when it is not one. */
export function parseMailbox(value: string): Mailbox | undefined {
  const text = value.trim();
  if (text.length > MAX_ADDRESS_LENGTH) return undefined;
  const parsed = addressparser(text, { flatten: true });
  if (parsed.length !== 1 || !parsed[0]) return undefined;
  const { name, address } = parsed[0];
  return isEmailAddress(address) ? { name, address } : undefined;
}

/** Addresses compare case-insensitively everywhere in the gateway (RFC 5321 allows it in practice). */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The domain part of a bare address, lower case. */
export function domainOf(address: string): string {
  return normaliseAddress(address.slice(address.lastIndexOf("@") + 1));
}
