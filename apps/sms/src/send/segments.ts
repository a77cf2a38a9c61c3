/**
 * @module send/segments — how many SMS segments a text costs, and in which encoding.
 * @see https://www.twilio.com/docs/glossary/what-sms-character-limit
 */

/** The GSM 03.38 basic character set (one septet each). */
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** The extension table: an escape plus the character, two septets each. */
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

/** The two encodings an SMS can use. */
export type SmsEncoding = "GSM-7" | "UCS-2";

/** Encoding and segment count of one SMS body. */
export interface SegmentInfo {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

const LIMITS = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
} as const;

/** GSM-7 when every character is in the GSM alphabet, else UCS-2 (one emoji switches the whole text). */
export function detectEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)) return "UCS-2";
  return "GSM-7";
}

/**
 * Counts segments the way handsets concatenate them: a multi-part SMS carries 153 septets or 67
 * code units per part, and an escape pair or a surrogate pair is never split across parts.
 */
export function countSegments(text: string): SegmentInfo {
  const encoding = detectEncoding(text);
  const sizes = [...text].map((ch) => (encoding === "GSM-7" ? (GSM_EXTENDED.has(ch) ? 2 : 1) : ch.length));
  const units = sizes.reduce((a, b) => a + b, 0);
  const limit = LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= limit.single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limit.part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}
