/**
 * @module inbound/escape-html — plain text made safe to place inside the HTML of a message the
 * gateway adds lines to (a sender warning, a note about a file that was not stored).
 */

/** `text` with `&`, `<` and `>` as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
