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
  return true;
}

/** Why `port` cannot be a new gateway's default port in `root`, or true. */
export function checkPort(root: string, port: unknown): true | string {
  const value = Number(port);
  if (typeof port !== "string" && typeof port !== "number") return "A port is a number";
  if (!/^\d+$/.test(String(port).trim()) || value < 1024 || value > 65535)
    return "A port is a whole number from 1024 to 65535";
  const taken = defaultPorts(root).get(value);
  if (taken) return `Port ${value} is ${taken}'s default port`;
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

/** The default ports the workspace's gateways declare (`defaultPort: N` in `apps/*` and `examples/*`). */
function defaultPorts(root: string): Map<number, string> {
  const ports = new Map<number, string>();
  for (const folder of ["apps", "examples"]) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const gateway = join(dir, entry, "src", "gateway.ts");
      if (!existsSync(gateway)) continue;
      const match = /defaultPort:\s*(\d+)/.exec(readFileSync(gateway, "utf8"));
      if (match) ports.set(Number(match[1]), `${folder}/${entry}`);
    }
  }
  return ports;
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
  return text.replace(/\n?<!-- template-only -->[\s\S]*?<!-- \/template-only -->\n?/g, "\n");
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
