/** The part of planer (Mailgun talon's JavaScript port) the gateway uses: its plain-text line marking. */
declare module "planer" {
  /** One letter per line: `e` empty, `m` quoted, `s` splitter (attribution or header), `f` forward marker, `t` text. */
  export function markMessageLines(lines: string[]): string;
  /** The lines without the quotation talon finds in `markers`; `flags` says which lines went. */
  export function processMarkedLines(
    lines: string[],
    markers: string,
    flags?: { wereLinesDeleted?: boolean; firstLine?: number; lastLine?: number },
  ): string[];
  /** The reply of a whole plain-text or HTML body. */
  export function extractFrom(body: string, contentType?: string, dom?: unknown): string;
}
