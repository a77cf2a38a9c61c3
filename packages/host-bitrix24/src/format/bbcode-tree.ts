/**
 * @module format/bbcode-tree — what an operator's BB-code text means, independent of any channel.
 */

/** Emphasis BB-codes: `[b]`, `[i]`, `[u]`, `[s]`. */
export type Emphasis = "bold" | "italic" | "underline" | "strike";

/** One piece of a parsed operator message. */
export type BbNode =
  | { type: "text"; text: string }
  | { type: "break" }
  | { type: "emphasis"; emphasis: Emphasis; children: BbNode[] }
  | { type: "link"; href: string; children: BbNode[] }
  | { type: "quote"; children: BbNode[] }
  | { type: "code"; text: string };

/** True when the nodes carry no formatting at all (only text and line breaks). */
export function isPlain(nodes: readonly BbNode[]): boolean {
  return nodes.every((node) => node.type === "text" || node.type === "break");
}

/** The words of the nodes, with line breaks as newlines: what a reader sees, without markup. */
export function plainTextOf(nodes: readonly BbNode[]): string {
  let out = "";
  for (const node of nodes) {
    if (node.type === "text") out += node.text;
    else if (node.type === "break") out += "\n";
    else if (node.type === "code") out += node.text;
    else out += plainTextOf(node.children);
  }
  return out;
}
