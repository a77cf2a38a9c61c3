/**
 * @module format/signature — the operator's name Bitrix puts before the text when the connector
 * asks for signatures (`NEED_SIGNATURE`): `[b]Klaus Weber:[/b] [br]Guten Tag!` (the event example
 * in b24restdocs `on-im-connector-message-add.md`; green-api's connector strips the same prefix).
 */

const PREFIX = /^\s*\[b\]([^[\]\n]{1,120}?):\[\/b\][ \t]*(?:\[br\]|\r?\n)/i;

/** The operator text split into the signature's name (when it has one) and the rest. */
export function splitSignature(text: string): { signature: string | undefined; body: string } {
  const match = PREFIX.exec(text);
  if (!match) return { signature: undefined, body: text };
  return { signature: match[1]!.trim(), body: text.slice(match[0].length) };
}
