/**
 * @module metrics/error-class — the bounded label a failed send is counted under: the core error
 * class it is (or derives from), which says where it failed and whether a retry helps.
 */
import {
  ChannelNetworkError,
  ChannelRefusedError,
  FetchError,
  FileQuotaExceededError,
  InvalidInputError,
} from "../errors.js";

/** The error classes a send is counted by, most specific first; anything else is `other`. */
const SEND_ERROR_CLASSES = [
  ChannelRefusedError,
  ChannelNetworkError,
  InvalidInputError,
  FetchError,
  FileQuotaExceededError,
] as const;

/** Label values of `error_class`: a gateway's own subclasses count as the core class they extend. */
export type SendErrorClass = (typeof SEND_ERROR_CLASSES)[number]["name"] | "other";

/**
 * The core class of a send's error. A label must have few values, so a gateway's own error class
 * (email's `PrivateSmtpHostError`) is counted as the one it extends (`InvalidInputError`), and
 * an error of no known class (a bug, a library's TypeError) as `other`.
 */
export function sendErrorClass(error: unknown): SendErrorClass {
  for (const known of SEND_ERROR_CLASSES) if (error instanceof known) return known.name as SendErrorClass;
  return "other";
}
