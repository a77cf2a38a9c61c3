/**
 * @module gateway-template — writes `apps/<name>/` from the repository's `examples/echo`: the files
 * copied as they are now (nothing fetched), with the names and the default port changed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Where the template lives, from the repository root. */
export const TEMPLATE_DIR = "examples/echo";
/** The template's own names and port, replaced in every file and path. */
const TEMPLATE_PACKAGE = "@switchboard/example-echo";
const TEMPLATE_PORT = "8089";
/** Never copied: what a build, an install or a test run leaves in the template. */
const SKIPPED = new Set(["node_modules", "dist", ".turbo", "coverage", "data"]);
/** Copied byte for byte. */
const BINARY = /\.(png|jpe?g|gif|ico|webp|sqlite)$/i;
/** Where the workspace's packages are (pnpm-workspace.yaml), to refuse a name one of them has. */
const PACKAGE_FOLDERS = ["apps", "packages", "tooling", "examples"];

/** The spellings of a gateway's name the template uses. */
export interface GatewayNames {
  /** `my-chat`: the gateway's name, routes, headers, the package `@switchboard/my-chat`. */
  kebab: string;
  /** `myChat`: identifiers (`myChatGateway`). */
  camel: string;
  /** `MyChat`: types and the display name (`MyChatEnv`, `readMyChatEnv`). */
  pascal: string;
  /** `MY_CHAT`: environment variables (`MY_CHAT_API_DEADLINE_MS`). */
  constant: string;
}

/** The spellings of a valid name. */
export function namesOf(name: string): GatewayNames {
  const words = name.split("-");
  const pascal = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return {
    kebab: name,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    pascal,
    constant: words.map((w) => w.toUpperCase()).join("_"),
  };
}

/** Why `name` cannot be a new gateway's name in `root`, or true. */
export function checkName(root: string, name: unknown): true | string {
  if (typeof name !== "string" || !/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name)) {
    return "A name is lower-case letters and digits, words joined by single hyphens, starting with a letter (e.g. viber, web-chat)";
  }
  if (name.length > 40) return "A name is at most 40 characters";
  if (existsSync(join(root, "apps", name))) return `apps/${name} exists already`;
  const owner = workspacePackages(root).get(`@switchboard/${name}`);
  if (owner) return `@switchboard/${name} is taken by ${owner}`;
  // Two gateways of one name share a sandbox entry, its port variable and their variables' prefix.
  const gateway = [...declaredGateways(root)].find((g) => g.name === name);
  if (gateway) return `The gateway name ${name} is taken by ${gateway.folder}`;
  return true;
}

/** Why `port` cannot be a new gateway's default port in `root`, or true. */
export function checkPort(root: string, port: unknown): true | string {
  const value = Number(port);
  if (typeof port !== "string" && typeof port !== "number") return "A port is a number";
  if (!/^\d+$/.test(String(port).trim()) || value < 1024 || value > 65535)
    return "A port is a whole number from 1024 to 65535";
  const taken = [...declaredGateways(root)].find((g) => g.defaultPort === value);
  if (taken) return `Port ${value} is ${taken.folder}'s default port`;
  return true;
}

/** The workspace's package names and their folders. */
function workspacePackages(root: string): Map<string, string> {
  const packages = new Map<string, string>();
  const add = (folder: string) => {
    const manifest = join(root, folder, "package.json");
    if (!existsSync(manifest)) return;
    const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
    if (typeof name === "string") packages.set(name, folder);
  };
  add("bench");
  for (const folder of PACKAGE_FOLDERS) {
    if (!existsSync(join(root, folder))) continue;
    for (const entry of readdirSync(join(root, folder))) add(`${folder}/${entry}`);
  }
  return packages;
}

/** A gateway the workspace declares: its folder, and `name` and `defaultPort` from its `defineGateway`. */
interface DeclaredGateway {
  folder: string;
  name: string | undefined;
  defaultPort: number | undefined;
}

/** The gateways in `apps/*` and `examples/*` (each folder with a `src/gateway.ts`). */
function* declaredGateways(root: string): Generator<DeclaredGateway> {
  for (const folder of ["apps", "examples"]) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const gateway = join(dir, entry, "src", "gateway.ts");
      if (!existsSync(gateway)) continue;
      const source = readFileSync(gateway, "utf8");
      const name = /defineGateway\(\{\s*name:\s*"([^"]+)"/.exec(source)?.[1];
      const port = /defaultPort:\s*(\d+)/.exec(source)?.[1];
      yield { folder: `${folder}/${entry}`, name, defaultPort: port === undefined ? undefined : Number(port) };
    }
  }
}

/** The template's text (or a path in it) with its names and port changed to the new gateway's. */
export function renameText(text: string, names: GatewayNames, port: number): string {
  return text.replace(
    /@switchboard\/example-echo|examples\/echo|Echo|ECHO|echo|\b8089\b/g,
    (token: string, offset: number) => {
      if (token === TEMPLATE_PACKAGE) return `@switchboard/${names.kebab}`;
      if (token === TEMPLATE_DIR) return `apps/${names.kebab}`;
      if (token === "Echo") return names.pascal;
      if (token === "ECHO") return names.constant;
      if (token === TEMPLATE_PORT) return String(port);
      // `echo` before an upper-case letter starts an identifier (`echoGateway`); alone it is the name.
      return /[A-Z]/.test(text.charAt(offset + token.length)) ? names.camel : names.kebab;
    },
  );
}

/** Drops what only the template says about itself: `<!-- template-only -->…<!-- /template-only -->`. */
function dropTemplateNotes(text: string): string {
  // The block and the blank lines around it become one paragraph break.
  return text.replace(/\n*<!-- template-only -->[\s\S]*?<!-- \/template-only -->\n*/g, "\n\n");
}

/** The template's files, relative to it, skipping build and install output. */
function templateFiles(dir: string, base = dir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (SKIPPED.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...templateFiles(path, base));
    else files.push(relative(base, path));
  }
  return files;
}

/**
 * Writes `apps/<name>/` in `root` from `examples/echo` as it is in `root` now; answers the files
 * written, relative to `root`. Refuses a name or port {@link checkName} / {@link checkPort} refuse.
 */
export function writeGateway(root: string, name: string, port: number): string[] {
  const nameOk = checkName(root, name);
  if (nameOk !== true) throw new Error(nameOk);
  const portOk = checkPort(root, port);
  if (portOk !== true) throw new Error(portOk);
  const names = namesOf(name);
  const template = join(root, TEMPLATE_DIR);
  const target = join(root, "apps", name);
  const written: string[] = [];
  for (const file of templateFiles(template)) {
    const source = join(template, file);
    const destination = join(target, renameText(file, names, port));
    mkdirSync(join(destination, ".."), { recursive: true });
    if (BINARY.test(file)) {
      writeFileSync(destination, readFileSync(source));
    } else {
      let text = renameText(dropTemplateNotes(readFileSync(source, "utf8")), names, port);
      if (file === "package.json") text = generatedManifest(text, names);
      writeFileSync(destination, text);
    }
    written.push(relative(root, destination));
  }
  return written;
}

/** The new package's manifest: its own description (the template's says it is the template). */
function generatedManifest(text: string, names: GatewayNames): string {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  manifest.description = `The ${names.pascal} gateway (from pnpm turbo gen gateway)`;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
