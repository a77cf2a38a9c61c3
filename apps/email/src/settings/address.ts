/**
 * @module settings/address — parsing `address` / `Name <address>` values of the settings and of mail headers.
 */
import addressparser from "nodemailer/lib/addressparser/index.js";
import { z } from "zod";

/** A mailbox: optional display name and an address. */
export interface Mailbox {
  name: string;
  address: string;
}

const emailSchema = z.email();

/** True for a syntactically valid bare address (`user@example.com`). */
export function isEmailAddress(value: string): boolean {
  return emailSchema.safeParse(value).success;
}

/** Parses `address` or `Name <address>` into exactly one mailbox; undefined when it is not one. */
export function parseMailbox(value: string): Mailbox | undefined {
  const parsed = addressparser(value.trim(), { flatten: true });
  if (parsed.length !== 1 || !parsed[0]) return undefined;
  const { name, address } = parsed[0];
  return isEmailAddress(address) ? { name, address } : undefined;
}

/** Addresses compare case-insensitively everywhere in the gateway (RFC 5321 allows it in practice). */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}
