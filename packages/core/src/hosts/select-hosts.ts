/**
 * @module hosts/select-hosts — which of the hosts an app can serve run (`SWITCHBOARD_HOSTS`), each
 * with its environment read.
 */
import type { AnyHost } from "./types.js";

/** A host that runs, with the environment its `readEnv` read. */
export interface SelectedHost {
  definition: AnyHost;
  env: unknown;
}

/**
 * The hosts `names` selects out of `available`, in the order named, each with its environment
 * read from `source`. Throws one `Invalid configuration: …` error listing every problem: no host,
 * a name given twice, a name the app does not serve (naming the ones it does), a host's `readEnv` refusing.
 */
export function selectHosts(
  names: readonly string[],
  available: readonly AnyHost[],
  source: Record<string, string | undefined>,
): SelectedHost[] {
  const known = new Map(available.map((host) => [host.name, host]));
  const knownList = [...known.keys()].join(", ") || "none";
  const problems: string[] = [];
  if (names.length === 0) problems.push(`SWITCHBOARD_HOSTS: names no host; this gateway serves ${knownList}`);
  const seen = new Set<string>();
  const selected: SelectedHost[] = [];
  for (const name of names) {
    if (seen.has(name)) {
      problems.push(`SWITCHBOARD_HOSTS: "${name}" is named twice; this gateway serves ${knownList}`);
      continue;
    }
    seen.add(name);
    const definition = known.get(name);
    if (!definition) {
      problems.push(`SWITCHBOARD_HOSTS: unknown host "${name}"; this gateway serves ${knownList}`);
      continue;
    }
    try {
      selected.push({ definition, env: definition.readEnv?.(source) });
    } catch (error) {
      problems.push((error as Error).message.replace(/^Invalid configuration: /, ""));
    }
  }
  if (problems.length) throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  return selected;
}
